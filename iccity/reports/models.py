"""Tables of the reports app."""
