"""Imports each api_* module so its endpoints register on the router."""
from . import api_lights  # noqa: F401,E402
from . import api_scoring  # noqa: F401,E402
