"""Every word a template shows is translated into Chinese, and the compiled catalogue says the same as
its source: a template string added without a translation, or a ``.po`` edited without recompiling the
``.mo``, fails here (a user would otherwise see English in the middle of a Chinese page)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.utils.translation.template import templatize

WEB = Path(__file__).resolve().parents[2] / "src" / "rmperf" / "web"
CATALOGUE = WEB / "locale" / "zh_Hans" / "LC_MESSAGES"
_STR = r"""u(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
CALL = re.compile(rf"\b(n?gettext)\(({_STR})(?:, ({_STR}))?")


def _template_msgids() -> dict[str, str | None]:
    """Each msgid of the templates (a plural's singular, mapped to its plural), by Django's own extractor."""
    found: dict[str, str | None] = {}
    for template in sorted((WEB / "templates").rglob("*.html")):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        calls = CALL.findall(code)
        assert len(calls) == len(re.findall(r"\bn?gettext\(", code)), f"a call of {template.name} was not read"
        for _, singular, plural in calls:
            found[ast.literal_eval(singular)] = ast.literal_eval(plural) if plural else None
    return found


def _po() -> dict[str, list[str]]:
    """The source catalogue: msgid → its msgstr (one, or one per plural form)."""
    entries: dict[str, list[str]] = {}
    current: dict[str, list[str]] = {}
    key = ""

    def flush() -> None:
        if "msgid" in current:
            msgstrs = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            entries["".join(current["msgid"])] = ["".join(v) for v in msgstrs]

    for line in [*(CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
            current = {}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key].append(ast.literal_eval(line))
        else:
            key, _, value = line.partition(" ")
            if key == "msgid" and "msgid" in current:  # an entry with no blank line before it
                flush()
                current = {}
            current[key] = [ast.literal_eval(value)]
    entries.pop("", None)
    return entries


def test_every_word_of_a_template_is_translated() -> None:
    po = _po()
    msgids = _template_msgids()
    assert len(msgids) > 50  # the extractor found the templates' words
    missing = sorted(m for m in msgids if not po.get(m) or not all(po[m]))
    assert missing == [], f"untranslated in django.po: {missing}"


def test_the_compiled_catalogue_is_the_source() -> None:
    with (CATALOGUE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    po = _po()
    msgids = _template_msgids()
    stale = []
    for msgid, translated in po.items():
        plural = msgids.get(msgid)
        got = [compiled.ngettext(msgid, plural, 1)] if plural else [compiled.gettext(msgid)]
        if got[0] != translated[0]:
            stale.append(msgid)
    assert stale == [], f"django.mo is older than django.po (run msgfmt): {stale}"
