"""The ``rmperf`` command line (Typer + Rich): a thin presenter over :mod:`rmperf.services`.

``base`` holds the app, the consoles and the invocation's service context; ``data``, ``runs``, ``pay``,
``grades``, ``schemes`` and ``web`` register their commands on it and import nothing of each other at module level.
``main`` renders every refusal in the user's language and never shows a traceback.
"""

from __future__ import annotations

import os

from rmperf import i18n
from rmperf.cli.base import State, app, err_console, print_scheme_error

__all__ = ["app", "main"]


def internal_error(error: BaseException) -> int:
    """Log an unexpected error's traceback in the home's ``logs/``; tell the user where, without a traceback."""
    import traceback
    from datetime import UTC, datetime

    if os.environ.get("RMPERF_DEBUG"):
        raise error
    logs = State.home.root / "logs"
    try:
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"error-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.txt"
        log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
        where = str(log)
    except OSError:
        where = "(stderr)"
        traceback.print_exception(error)
    err_console.print(
        i18n.t("cli.internal_error", {"error": type(error).__name__, "log": where}),
        style="bold red",
        highlight=False,
        markup=False,
    )
    return 2


def _database_busy(error: BaseException) -> bool:
    from django.db.utils import OperationalError

    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def main() -> None:
    os.umask(0o077)  # every file the CLI makes (store, database, logs, exports) is its owner's alone
    import rmperf.cli.data
    import rmperf.cli.grades
    import rmperf.cli.pay
    import rmperf.cli.runs
    import rmperf.cli.schemes
    import rmperf.cli.web  # noqa: F401  (each registers its commands)
    from rmperf.core.scheme.errors import SchemeError
    from rmperf.core.scoring import ScoringError
    from rmperf.errors import UserError

    try:
        app()
    except UserError as error:  # a refused input: the message, in the user's language
        err_console.print(error.render(), style="red", highlight=False, markup=False)
        raise SystemExit(1) from None
    except SchemeError as error:
        print_scheme_error(error)
        raise SystemExit(1) from None
    except ScoringError as error:
        err_console.print(error.render(), style="red", highlight=False, markup=False)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        err_console.print(i18n.t("cli.interrupted"), style="yellow")
        raise SystemExit(130) from None
    except Exception as error:  # the last resort: never a traceback on the user's screen
        if _database_busy(error):  # another writer held SQLite's lock longer than the wait
            err_console.print(i18n.t("ledger.busy"), style="red", highlight=False, markup=False)
            raise SystemExit(1) from None
        raise SystemExit(internal_error(error)) from None
