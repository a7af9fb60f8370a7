"""Text from data never reaches the officer's terminal raw (issue 12, items 2 and 6)."""

from __future__ import annotations

import io

from rich.table import Table

from rmperf.terminal import SafeConsole, printable


def test_control_characters_are_shown_as_escapes_and_styling_is_kept() -> None:
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=80, color_system="standard")
    table = Table()
    table.add_column("客户经理")
    table.add_row("张三\x1b]0;pwned\x07")
    console.print("[bold]名单[/bold] R1\x1b[2J\x00")
    console.print(table)
    text = out.getvalue()
    assert "\x1b]0;" not in text
    assert "\x1b[2J" not in text
    assert "\x00" not in text
    assert "\x07" not in text
    assert "\\x1b]0;pwned\\x07" in text
    assert "\x1b[1m" in text  # Rich's own bold is still there


def test_printable_keeps_tabs_and_line_breaks() -> None:
    assert printable("a\tb\nc\rd\x1b") == "a\tb\nc\\x0dd\\x1b"
