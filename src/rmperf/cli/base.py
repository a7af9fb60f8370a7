"""What every command of the ``rmperf`` command line shares: the Typer app, the consoles, the home
and language options, and the service context of the invocation. The command modules
(``data``, ``runs``, ``pay``, ``grades``) import this and not each other, so there is no circle
between them; each command parses its options, calls one service of :mod:`rmperf.services`
and renders what it returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rmperf import i18n
from rmperf.home import Home
from rmperf.messages import Message
from rmperf.terminal import SafeConsole

if TYPE_CHECKING:
    from rmperf.engine.backend import Backend
    from rmperf.services.context import Context

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


def ctx(user: str | None = None) -> Context:
    """The service context of this invocation: the home, the local operator (``--user``), the language."""
    from rmperf.services.context import Actor, Context

    context = Context(State.home, Actor.local_operator(user), i18n.get_language())
    context.setup()
    return context


def open_backend(engine: str = "duckdb", master: str | None = None) -> Backend:
    """The engine over the newest store version (``--engine``); an unknown engine is a bad option."""
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter(zh_en("引擎只能是 duckdb 或 spark", "engine is duckdb or spark"))
    return ctx().backend(engine, master)


def print_scheme_error(error: Any) -> None:
    """A scheme's (or its ratings' or uploads') problems, headed by what is wrong."""
    lang = i18n.get_language()
    err_console.print(error.heading(lang), style="bold red", highlight=False, markup=False)
    for problem in error.problems:
        err_console.print("  " + problem.render(lang), style="red", highlight=False, markup=False)


def print_note(note: Message) -> None:
    """An engine or run note, as a sentence in the user's language."""
    text = i18n.t("cli.note", {"text": note.render()})
    err_console.print(text, style="yellow", highlight=False, markup=False)


def print_error(message: Any) -> None:
    """A refusal (a :class:`rmperf.messages.Message`, an error with ``message()``) in red, on stderr."""
    text = message.render()
    err_console.print(text, style="red", highlight=False, markup=False)
