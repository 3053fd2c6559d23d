"""Admin of the places app (Chinese; saves go through actions)."""
