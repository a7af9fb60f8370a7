"""The one refusal a user is shown: a message code and its parameters, rendered in their language.

A :class:`UserError` is what a library function raises when the *input* is
wrong (a period label that is not one, a file that cannot be read, an option
the scheme does not use): it names what is wrong in the user's words, never as
a traceback. The command line and the web app render it with
:meth:`UserError.render`; the code and parameters stay language-independent
so a log or the audit trail can keep them as values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rmperf.messages import Message


class UserError(Exception):
    """A refused input: ``code`` names a message of ``rmperf.i18n.MESSAGES``, ``params`` its fields."""

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(code)

    @property
    def what(self) -> Message:
        """The refusal as the one message type."""
        return Message(self.code, self.params)

    def render(self, lang: str | None = None) -> str:
        return self.what.render(lang)

    def __str__(self) -> str:
        return self.render()


class PeriodError(UserError, ValueError):
    """A period label that is not ``2025``, ``2025-H1``, ``2025-Q2`` or ``2025-06``."""

    def __init__(self, value: str) -> None:
        super().__init__("value.period", {"value": value})


class FileUnreadable(UserError):
    """An uploaded file (targets, values, facts, spikes) that does not exist or cannot be read."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__("upload.unreadable", {"file": path, "detail": detail})
