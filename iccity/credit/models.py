"""Tables of the credit app."""
