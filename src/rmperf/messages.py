"""The one type of a sentence shown to a user: a message code and its fields, rendered in their language.

Every layer hands messages up as values — a refusal (:class:`rmperf.errors.UserError`
carries one), a problem of an import or a scheme (which add where it is), a
note of the engine or a run, a consequence of a grade — and a presenter (the
command line, a page, the API, a workbook) renders them with
:meth:`Message.render` in the reader's language. The code and the fields stay
language-independent, so the audit log and a stored run keep them as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A code of ``rmperf.i18n.MESSAGES`` and its fields (which may themselves be messages)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        from rmperf.i18n import t

        shown = {k: (v.render(lang) if hasattr(v, "render") else v) for k, v in self.params.items()}
        return t(self.code, shown, lang)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Note(Message):
    """A note of the engine or of a run (``baseline_daily_average_fallback:no_prior_year``), as the engine wrote
    it — language-independent, so a stored run keeps it — and rendered as a sentence of ``rmperf.i18n.NOTES``."""

    def render(self, lang: str | None = None) -> str:
        from rmperf.i18n import note_text

        return note_text(self.code, lang)


def notes_of(raw: Iterable[str]) -> tuple[Note, ...]:
    """The engine's notes as messages, each once, in the order given."""
    return tuple(Note(code) for code in dict.fromkeys(raw))
