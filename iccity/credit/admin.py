"""Admin of the credit app (Chinese; saves go through actions)."""
