"""Forms of the places app."""
