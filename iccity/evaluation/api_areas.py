"""Imports each api_* module so its endpoints register on the router."""
