class Conflict(Exception):
    """An illegal state transition or a concurrent change: HTTP 409 with a Chinese message."""

    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


def errors_text(exc) -> str:
    """A ValidationError's messages as one line for a page or an API error body."""
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def errors_dict(exc) -> dict[str, list[str]]:
    """A ValidationError's messages by field ("__all__" for the form as a whole)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
