"""What every command of the ``rmperf`` command line shares: the Typer app, the consoles, the home
and language options, and the database and engine set-up. The command modules (``cli``,
``cli_runs``, ``cli_pay``, ``cli_grades``) import this and not each other's faces, so there is
no circle between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rmperf import i18n
from rmperf.home import Home
from rmperf.terminal import SafeConsole

if TYPE_CHECKING:
    from rmperf.engine.backend import Backend

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="rmperf — 客户经理绩效考核系统 / performance appraisal and incentive pay for bank RMs",
)
console = SafeConsole()
err_console = SafeConsole(stderr=True)


class State:
    home: Home = Home.resolve()


def zh_en(zh: str, en: str) -> str:
    return en if i18n.get_language() == "en" else zh


@app.callback()
def main_options(
    home: Annotated[str | None, typer.Option("--home", help="data home folder (default ./var or RMPERF_HOME)")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh (default) or en")] = None,
) -> None:
    State.home = Home.resolve(home)
    if lang:
        i18n.set_language(lang)


def setup_db() -> None:
    from rmperf import db

    db.setup(State.home)


def open_backend(engine: str = "duckdb", master: str | None = None) -> Backend:
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.store import FactStore

    setup_db()
    if engine == "spark":
        from rmperf.engine.spark import SparkBackend, spark_session

        return SparkBackend(FactStore(State.home), session=spark_session(master))
    if engine != "duckdb":
        raise typer.BadParameter(zh_en("引擎只能是 duckdb 或 spark", "engine is duckdb or spark"))
    return DuckDBBackend(FactStore(State.home))


def org_tree(backend: Any) -> dict[str, dict[str, Any]]:
    """org_id → name, level and parent, for the workbooks' headings and subtotals."""
    return {
        o: {"name": n, "level": lv, "parent_id": p}
        for o, n, lv, p in backend.query("SELECT org_id, name, level, parent_id FROM orgs")
    }


def print_scheme_error(error: Any) -> None:
    """A scheme's (or its ratings' or uploads') problems, headed by what is wrong."""
    lang = i18n.get_language()
    err_console.print(error.heading(lang), style="bold red", highlight=False, markup=False)
    for problem in error.problems:
        err_console.print("  " + problem.render(lang), style="red", highlight=False, markup=False)


def print_note(note: str) -> None:
    """An engine or run note, as a sentence in the user's language."""
    text = i18n.t("cli.note", {"text": i18n.note_text(note)})
    err_console.print(text, style="yellow", highlight=False, markup=False)
