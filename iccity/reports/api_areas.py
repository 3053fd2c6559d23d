"""Imports each api_* module so its endpoints register on the router."""
from . import api_documents  # noqa: E402,F401
from . import api_ledger  # noqa: E402,F401
