"""Admin of the consumption app (Chinese; saves go through actions)."""
