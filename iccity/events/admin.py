"""Admin of the events app (Chinese; saves go through actions)."""
