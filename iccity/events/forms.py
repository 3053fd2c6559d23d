"""Forms of the events app."""
