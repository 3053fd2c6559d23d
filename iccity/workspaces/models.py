"""Workspaces keep no tables: a desk is computed from the person's roles, the chosen one lives in the session."""
