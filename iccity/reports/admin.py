"""Admin of the reports app (Chinese; saves go through actions). Each area registers its models in admin_*.py."""
from . import admin_documents  # noqa: F401

from . import admin_ledger  # noqa: F401  (the Excel ledger area)
