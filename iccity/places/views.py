"""Pages of the places app."""
