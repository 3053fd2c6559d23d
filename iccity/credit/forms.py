"""Forms of the credit app."""
