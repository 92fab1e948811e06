"""The one domain error type: services raise it, interfaces turn it into a 4xx with its message."""


class DomainError(Exception):
    """A request that the rules of the practice do not allow, explained in plain words."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
