"""Tables of the events app."""
