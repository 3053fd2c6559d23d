"""Pages of the reports app live in views_documents (Word outputs, templates) and views_ledger (Excel 台账)."""
from .views_documents import *  # noqa: F401,F403
from .views_ledger import *  # noqa: F401,F403
