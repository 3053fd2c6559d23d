"""Admin of the reports app (Chinese; saves go through actions)."""
