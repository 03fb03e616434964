"""An error answered over HTTP: a status code and the one-line message the CLI would print."""

from __future__ import annotations

from mtcheck.errors import MtcheckError


class ApiError(MtcheckError):
    """``status`` is the HTTP status; ``retry_after`` (seconds) goes into a Retry-After header."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        # One line, like the CLI's stderr: library messages may span several.
        return " ".join(part.strip() for part in str(self).splitlines() if part.strip())
