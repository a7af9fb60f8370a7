"""Problems found in a scheme file (方案错误), kept as values and raised together.

A :class:`Problem` is an i18n message code with its parameters and where it
was found: the file, the key path (``dimensions[1].items[2].weight[0].value``)
and the YAML line. Loading collects every problem of a file before raising one
:class:`SchemeError`, so a user fixes them all in one pass (beancount's
errors-as-values).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmperf.i18n import get_language, t
from rmperf.messages import Message

PathElem = str | int
Path = tuple[PathElem, ...]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: Sequence[PathElem]) -> str:
    """``("dimensions", 1, "items", 2, "weight")`` → ``dimensions[1].items[2].weight``."""
    out = ""
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        elif _IDENT.match(elem):
            out += f".{elem}" if out else elem
        else:
            out += f'["{elem}"]'
    return out


#: a message parameter rendered in the reader's language (a word such as 维度/dimension): the one message type
Word = Message


@dataclass(frozen=True)
class Problem:
    """One problem: ``code`` and ``params`` (see ``rmperf.i18n.MESSAGES``) at ``path`` of ``source``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    path: Path = ()
    source: str = ""
    line: int | None = None
    #: an error of the scoring or rating rules behind this problem, rendered after the message
    cause: Exception | None = None

    def what(self, lang: str | None = None) -> str:
        """The problem without where it is: the message, then the cause's, if any."""
        text = Message(self.code, self.params).render(lang)
        if self.cause is not None:
            english = (lang or get_language()) == "en"
            render = getattr(self.cause, "render", None)
            detail = render(lang) if callable(render) else str(self.cause)
            text += (": " if english else ":") + str(detail)
        return text

    def where(self, lang: str | None = None) -> str:
        english = (lang or get_language()) == "en"
        parts: list[str] = []
        if self.source:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}" if english else f"第 {self.line} 行")
        if self.path:
            parts.append(format_path(self.path))
        return (", " if english else ",").join(parts)

    def render(self, lang: str | None = None) -> str:
        where = self.where(lang)
        english = (lang or get_language()) == "en"
        if not where:
            return self.what(lang)
        return f"{where}: {self.what(lang)}" if english else f"{where}:{self.what(lang)}"


class SchemeError(ValueError):
    """Every problem of a scheme (or of a run's inputs to it), raised at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.render())

    @property
    def subject(self) -> str:
        """What is wrong: ``ratings`` (the ratings rows), ``uploads`` (a targets or values table) or ``scheme``."""
        codes = {p.code for p in self.problems}
        if codes and all(c == "scheme.ratings_refused" for c in codes):
            return "ratings"
        if codes and all(c.startswith("scheme.table_") for c in codes):
            return "uploads"
        return "scheme"

    def heading(self, lang: str | None = None) -> str:
        """The line shown above the problems: the scheme, the ratings or the uploaded table has problems."""
        return t(f"scheme.heading_{self.subject}", {"n": len(self.problems)}, lang)

    def render(self, lang: str | None = None) -> str:
        """One line per problem, headed by the count, in ``lang`` (default: the current language)."""
        return "\n".join([self.heading(lang), *(f"  - {p.render(lang)}" for p in self.problems)])

    def __str__(self) -> str:
        return self.render()
