"""Errors the plan parser raises. Messages are Chinese: they reach users unchanged."""


class PlanParseError(Exception):
    """The document cannot be turned into a plan. ``message`` says what was wrong and what was found."""

    def __init__(self, message: str, *, found: str = ""):
        self.message = message
        self.found = found
        super().__init__(f"{message}（{found}）" if found else message)


class PlanReadError(PlanParseError):
    """The file itself cannot be read as text (empty, binary, wrong encoding, image-only PDF, too large)."""
