"""Forms of the consumption app."""
