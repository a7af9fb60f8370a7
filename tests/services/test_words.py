"""A page shows words, never codes: every scoring method, kind of value, role and audit action a run or a
grant can hold has a name in both languages, and a category is read out with its breakdown and marks."""

from __future__ import annotations

from rmperf.core.scheme.model import METHODS
from rmperf.services import words
from rmperf.services.access import ROLES
from rmperf.services.permissions import ACTIONS


def test_every_method_role_and_kind_of_value_has_a_name() -> None:
    from rmperf.i18n import MESSAGES

    codes = [f"method.{c}" for c in METHODS] + [f"role.{c}" for c in ROLES]
    codes += [f"value_kind.{k}" for k in ("engine", "manual", "custom")]
    codes += [f"permit.{a}" for a in ACTIONS]  # a refusal names what was refused in words
    assert [c for c in codes if c not in MESSAGES] == []
    assert words.method("achievement", "zh") == "完成率计分"
    assert words.role("committee", "en") == "committee member"
    assert words.value_kind("manual", "zh") == "手工录入"


def test_a_category_is_read_with_its_breakdown_and_marks() -> None:
    assert words.category("deposit/customer_kind=personal", "zh") == "存款·个人"
    assert words.category("loan/customer_kind=corporate", "en") == "loans·corporate"
    assert words.category("deposit@previous", "zh") == "存款(上期)"
    assert words.category("loan@share_of=team", "zh") == "贷款(占团队比重)"
    assert words.category("wealth@share_of=branch", "en") == "wealth (share of the branch)"


def test_an_unknown_code_is_shown_as_it_is_never_as_a_key() -> None:
    assert words.method("my_method", "zh") == "my_method"
    assert words.category("pension/plan=a", "zh") == "pension·plan=a"
    assert words.indicator("my_custom_indicator", "zh") == "my_custom_indicator"
    assert words.action("", "zh") == ""


def test_every_audit_action_the_code_writes_has_a_name() -> None:
    import re
    from pathlib import Path

    src = Path(words.__file__).resolve().parents[1]
    written = set()
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'audit\(\s*[^,()]+,\s*"([a-z_]+\.[a-z_.]+)"', text))
    named = {code for code, _ in words.actions("zh")}
    assert {"pay.adjust", "people.grant", "run.create"} <= written
    assert written - named == set()
    for status in ("committed", "unchanged", "rejected", "failed"):
        assert f"data.import.{status}" in named


def test_no_message_is_defined_twice() -> None:
    """A key defined again further down replaces the first silently (its parameters may differ)."""
    import re
    from collections import Counter
    from pathlib import Path

    from rmperf import i18n

    text = Path(i18n.__file__).read_text(encoding="utf-8")
    keys = Counter(re.findall(r'^\s+"([a-z_]+(?:\.[a-z_0-9]+)+)": \(', text, flags=re.MULTILINE))
    assert [k for k, n in keys.items() if n > 1] == []
