"""Tables of the consumption app."""
