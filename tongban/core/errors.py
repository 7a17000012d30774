class Conflict(Exception):
    """An illegal state transition or a concurrent change: HTTP 409 with a Chinese message."""

    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


def errors_text(exc) -> str:
    """A ValidationError's messages on one line, for a page's error message."""
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)
