"""Pages of the surveys app."""
