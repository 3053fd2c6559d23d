"""Admin of the surveys app (Chinese; saves go through actions)."""
