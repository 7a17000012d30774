class Conflict(Exception):
    """An illegal state transition or a concurrent change: HTTP 409 with a Chinese message."""

    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
