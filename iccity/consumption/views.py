"""Pages of the consumption app."""
