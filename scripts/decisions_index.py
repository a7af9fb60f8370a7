"""Rebuild the index of docs/decisions.md: every decision, and whether it is in force.

A decision is *superseded* when its text says "**Superseded by Dn**", and *amended* when it says
"superseded by Dn" or "since Dn" in bold or italics otherwise. Run ``python scripts/decisions_index.py``
after adding a decision; ``tests/test_docs.py`` fails while the index is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "decisions.md"
START, END = "<!-- index -->", "<!-- /index -->"
HEADING = re.compile(r"^### (D\d+)\. (.+)$")
SECTION = re.compile(r"^## (.+)$")
SUPERSEDED = re.compile(r"\*\*Superseded\s+by\s+(D\d+)")
AMENDED = re.compile(r"(?:[Ss]uperseded\s+by|[Ss]ince|confirmed\s+by)\s+(D\d+)")


def index(text: str) -> str:
    """The index block for ``text`` (the document without its current index)."""
    lines = [START, "", "## Index: what is in force", ""]
    body = text.split(END, 1)[-1] if END in text else text
    entries: list[tuple[str, str, list[str]]] = []
    section = None
    for line in body.splitlines():
        m = SECTION.match(line)
        if m and not line.startswith("## Index"):
            section = m.group(1)
            entries.append(("section", section, []))
            continue
        m = HEADING.match(line)
        if m:
            entries.append((m.group(1), m.group(2), []))
        elif entries and entries[-1][0] != "section":
            entries[-1][2].append(line)
    for key, title, text_lines in entries:
        if key == "section":
            lines.append(f"**{title}**")
            lines.append("")
            continue
        own = "\n".join(text_lines)
        gone = SUPERSEDED.search(own)
        amended = sorted({d for d in AMENDED.findall(own) if d != key and not (gone and d == gone.group(1))})
        state = f" — *superseded by {gone.group(1)}*" if gone else ""
        if amended:
            state += f" — amended by {', '.join(amended)}"
        lines.append(f"- {key} {title}{state}")
    # a blank line after each section's list
    out: list[str] = []
    for line in lines:
        if line.startswith("**") and out and out[-1].startswith("- "):
            out.append("")
        out.append(line)
    return "\n".join([*out, "", END])


def rebuilt(text: str) -> str:
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
    else:  # first time: after the introduction (the first blank line after the title's paragraph)
        first = text.index("\n## ")
        head, tail = text[: first + 1], "\n" + text[first + 1 :]
    return head + index(tail) + tail


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    new = rebuilt(text)
    if "--check" in sys.argv[1:]:
        return 0 if new == text else 1
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
