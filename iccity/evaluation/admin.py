"""Admin of the evaluation app (Chinese; saves go through actions)."""
