"""What a page shows for a code (显示用语): a scoring method, a kind of value, an account category, a role
or an indicator, in the reader's language. A user never reads the code itself; a code this module does
not know (a custom indicator, a category a bank added) is shown as it is, never as a message key."""

from __future__ import annotations

from rmperf.core import indicators
from rmperf.i18n import MESSAGES, t


def _word(prefix: str, code: str | None, lang: str) -> str:
    if not code:
        return ""
    key = f"{prefix}.{code}"
    return t(key, lang=lang) if key in MESSAGES else code


def method(code: str | None, lang: str) -> str:
    """A scoring method (计分方法): ``achievement`` → 完成率计分."""
    return _word("method", code, lang)


def value_kind(code: str | None, lang: str) -> str:
    """Where an input's value comes from: the data, a hand entry, a formula."""
    return _word("value_kind", code, lang)


def role(code: str | None, lang: str) -> str:
    """A role a grant gives: ``committee`` → 支行考核小组成员."""
    return _word("role", code, lang)


def action(code: str | None, lang: str) -> str:
    """What an audit entry records (``pay.adjust`` → 调整维护薪酬); an integrity finding
    (``audit.tampered_…``) keeps its code after its kind."""
    return _word("action", code, lang)


def actions(lang: str) -> list[tuple[str, str]]:
    """Every kind of audit entry with its name, to choose from (the audit log's filter)."""
    return [(key.removeprefix("action."), t(key, lang=lang)) for key in MESSAGES if key.startswith("action.")]


def import_status(code: str | None, lang: str) -> str:
    """An import's outcome: stored, nothing new, refused, failed."""
    return _word("import_status", code, lang)


def job_state(code: str | None, lang: str) -> str:
    """Where an upload's import stands: queued, importing, finished, failed."""
    return _word("job_state", code, lang)


def indicator(code: str | None, lang: str) -> str:
    """An indicator's name from the catalogue (``daily_average`` → 日均余额)."""
    return indicators.name(code, lang) if code else ""


def category(category: str | None, lang: str) -> str:
    """An account category as a reader says it, with its breakdown and marks:
    ``deposit/customer_kind=personal`` → 存款·个人; ``deposit@previous`` → 存款(上期);
    ``loan@share_of=team`` → 贷款(占团队比重)."""
    if not category:
        return ""
    base, *marks = category.split("@")
    head, _, breakdown = base.partition("/")
    text = _word("category", head, lang)
    for part in filter(None, breakdown.split("/")):
        dim, _, value = part.partition("=")
        text += "·" + (t(f"{dim}.{value}", lang=lang) if f"{dim}.{value}" in MESSAGES else part)
    for mark in marks:
        if mark == "previous":
            text = t("category.previous", {"what": text}, lang)
        elif mark.startswith("share_of="):
            of = mark.partition("=")[2]
            text = t("category.share_of", {"what": text, "of": _word("share_of", of, lang)}, lang)
        else:
            text += f"@{mark}"
    return text
