"""Forms of the evaluation app."""
