"""Tables of the surveys app."""
