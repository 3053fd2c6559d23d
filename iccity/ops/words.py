"""Words of the ops app for the translation table (core.words)."""
from django.utils.translation import gettext_lazy as L

from iccity.core.words import VERB, register

register(VERB, {"ops.backup.created": L("生成备份"), "ops.backup.restored": L("从备份恢复"),
                "ops.jobrun.purged": L("清理作业运行记录")})
