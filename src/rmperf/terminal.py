"""The terminal the CLI writes to: text from data never reaches it raw.

Names and ids come from banks' exports and uploads; a name holding ``ESC ]0;…`` or ``ESC [2J`` would
retitle or clear the officer's terminal, and Rich passes such escapes through. Every string the CLI
prints goes through :meth:`SafeConsole.render_str`, which shows control characters as visible escapes
(``\\x1b``) — Rich's own styling is added after, so colours are kept.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

#: control characters other than tab and line feed
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but tab and line feed shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class SafeConsole(Console):
    """A Rich console that never writes a control character it was given in text."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)
