"""The floors of the house do not reach back (issue 13 item 4): read from the source, not from a diagram.

core (rules, scoring, pay) ← engine ← runs / pay / ingest ← services ← cli (and, next, the web app).
A lower floor imports nothing of a higher one; ``core.scheme`` and ``core.pay`` do not import each other;
the engine reads no Django model; no module imports another's underscore names; the command line is a
package whose modules import only its ``base`` and the services at module level.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "rmperf"


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports(path: Path, *, top_level_only: bool = False) -> Iterator[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) of every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names], node.lineno


def reaches(importer: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for name, path in modules():
        if name != importer and not name.startswith(importer + "."):
            continue
        for module, _, line in imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(SRC)}:{line} imports {module}")
    return found


HIGHER_THAN_CORE = (
    "rmperf.db",
    "rmperf.engine",
    "rmperf.ingest",
    "rmperf.runs",
    "rmperf.pay",
    "rmperf.store",
    "rmperf.reports",
    "rmperf.services",
    "rmperf.cli",
    "rmperf.web",
    "django",
    "duckdb",
    "pyspark",
    "typer",
    "rich",
)


@pytest.mark.parametrize(
    ("floor", "forbidden"),
    [
        ("rmperf.core", HIGHER_THAN_CORE),
        (
            "rmperf.engine",
            ("rmperf.db", "django", "rmperf.runs", "rmperf.pay", "rmperf.services", "rmperf.cli", "rmperf.web"),
        ),
        ("rmperf.runs", ("rmperf.services", "rmperf.cli", "rmperf.web")),
        ("rmperf.pay", ("rmperf.services", "rmperf.cli", "rmperf.web")),
        ("rmperf.ingest", ("rmperf.services", "rmperf.cli", "rmperf.runs", "rmperf.pay", "rmperf.web")),
        ("rmperf.services", ("rmperf.cli", "rmperf.web", "typer", "rich")),
        # the web application is a presenter beside the command line: it reads through the services
        (
            "rmperf.web",
            ("rmperf.cli", "rmperf.engine", "rmperf.runs", "rmperf.pay", "rmperf.ingest", "rmperf.store", "typer"),
        ),
        ("rmperf.core.scheme", ("rmperf.core.pay",)),
    ],
)
def test_a_floor_imports_nothing_above_it(floor: str, forbidden: tuple[str, ...]) -> None:
    assert reaches(floor, forbidden) == []


def test_no_module_imports_another_modules_underscore_names() -> None:
    found = []
    for _, path in modules():
        for module, names, line in imports(path):
            if module.startswith("rmperf"):
                found += [
                    f"{path.relative_to(SRC)}:{line} {module}.{n}"
                    for n in names
                    if n.startswith("_") and not n.startswith("__")
                ]
    assert found == []


def test_the_command_line_is_a_package_without_a_circle() -> None:
    cli = SRC / "cli"
    assert (cli / "__init__.py").exists()
    assert not list(SRC.glob("cli_*.py"))
    for path in sorted(cli.glob("*.py")):
        for module, _, line in imports(path, top_level_only=True):
            if module.startswith("rmperf.cli") and path.name != "__init__.py":
                assert module == "rmperf.cli.base", f"{path.name}:{line} imports {module} at module level"
    outside = [
        f"{path.relative_to(SRC)}:{line}"
        for name, path in modules()
        if not name.startswith("rmperf.cli") and name != "rmperf.__main__"
        for module, _, line in imports(path)
        if module.startswith("rmperf.cli")
    ]
    assert outside == []


def test_every_sentence_type_renders_one_way() -> None:
    """One vocabulary (issue 13 item 3): a refusal, a problem, a note of a grade or a consequence is shown with
    ``render(lang)``; no class of the library keeps a second spelling (``message()``, ``text()``) of it."""
    found = []
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name in {"message", "text"}:
                        args = [a.arg for a in item.args.args]
                        if args[:2] == ["self", "lang"]:
                            found.append(f"{name}.{node.name}.{item.name}")
    assert found == []


def test_the_message_types_share_one_rendering() -> None:
    from rmperf.core.scheme.errors import Problem, Word
    from rmperf.core.scoring import ScoringError
    from rmperf.errors import PeriodError
    from rmperf.ingest.problems import Place, Severity
    from rmperf.ingest.problems import Problem as ImportProblem
    from rmperf.messages import Message

    refused = PeriodError("2025-Q5")
    assert refused.what == Message("value.period", {"value": "2025-Q5"})
    assert refused.render("zh") == refused.what.render("zh")
    assert "2025-Q5" in refused.render("en")
    assert Word is Message
    problem = Problem("value.period", {"value": "2025-Q9"}, ("period",), "x.yaml", 3)
    assert (
        problem.render("en") == f"x.yaml, line 3, period: {Message('value.period', {'value': '2025-Q9'}).render('en')}"
    )
    scoring = ScoringError("value.period", {"value": "X"})
    assert scoring.render("en") == Message("value.period", {"value": "X"}).render("en")
    imported = ImportProblem(Severity.ERROR, "value.period", Place(file="a.csv", line=2), {"value": "Y"})
    assert imported.what("en") == Message("value.period", {"value": "Y"}).render("en")
    assert "a.csv" in imported.render("en")
    assert imported.what("en") in imported.render("en")


def test_an_engine_note_is_a_message_rendered_as_a_sentence_once() -> None:
    from rmperf.i18n import note_text
    from rmperf.messages import Message, Note, notes_of

    raw = "baseline_daily_average_fallback:no_prior_year"
    notes = notes_of([raw, "no_previous_period:2024-Q1", raw])
    assert notes == (Note(raw), Note("no_previous_period:2024-Q1"))  # each once, in the order given
    assert isinstance(notes[0], Message)
    for lang in ("zh", "en"):
        shown = notes[0].render(lang)
        assert shown == note_text(raw, lang)
        assert raw not in shown
        assert "{" not in shown
    assert notes[0].render("zh") != notes[0].render("en")


def test_the_catalogue_names_an_indicator_in_either_language() -> None:
    from rmperf.core import indicators as catalogue

    assert catalogue.name("daily_average", "zh") == "日均余额"
    assert catalogue.name("daily_average", "en") == "daily average"
    assert catalogue.unit("daily_average") == "yuan"
    assert catalogue.unit("accumulated_balance") == "yuan·days"
    # a custom indicator of a scheme is not in the catalogue: its own code, no unit
    assert catalogue.name("my_custom", "en") == "my_custom"
    assert catalogue.unit("my_custom") is None
    assert catalogue.of_group("signals") == {"spike_reversal": catalogue.CATALOGUE["spike_reversal"]}


def test_explain_is_handed_rows_and_names_no_working_table() -> None:
    """The engine's groups answer ``explain`` with the rows behind a figure as values (``engine.rows.Row``);
    ``explain`` itself holds no SQL and names none of the tables the groups write."""
    import re

    from rmperf.engine import explain, flows, quality, spikes
    from rmperf.engine import indicators as balances

    text = (SRC / "engine" / "explain.py").read_text(encoding="utf-8")
    assert not re.search(r"\b(SELECT|FROM|JOIN)\b", text)
    assert not re.search(r"\b\w+_attr\b|\bfl_\w+|\bq_\w+|\.query\(|create_table|register_rows", text)
    groups = (balances.EXPLAINED, flows.EXPLAINED, spikes.EXPLAINED, quality.EXPLAINED, quality.RATIOS)
    assert sorted(explain.explainable()) == sorted(code for group in groups for code in group)
    assert len(set(explain.explainable())) == len(explain.explainable())  # one group opens each
    for module in (balances, flows, quality, spikes):
        assert callable(module.rows_behind)


def test_the_command_line_reaches_the_web_only_to_serve_it() -> None:
    """``rmperf serve`` and ``rmperf worker`` start the server; no command imports a page or the API."""
    found = [f for f in reaches("rmperf.cli", ("rmperf.web",)) if not f.endswith("imports rmperf.web.serve")]
    assert found == []
