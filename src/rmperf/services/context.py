"""The context every service is called with: whose data, which version of it, who asks, in which language.

A service of :mod:`rmperf.services` takes a :class:`Context` and values and
returns values; it prints nothing. The command line builds one context per
invocation (the local operator, ``--home``, ``--lang``); the web application
builds one per request from the signed-in user.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rmperf import i18n
from rmperf.home import Home

if TYPE_CHECKING:
    from rmperf.engine.backend import Backend


@dataclass(frozen=True)
class Grant:
    """One role on one org unit (and so on its whole subtree); ``org_id`` None: the whole bank."""

    role: str
    org_id: str | None = None
    rm_id: str | None = None  # a 客户经理 grant: the RM the user is


@dataclass(frozen=True)
class Actor:
    """Who calls a service: a user id and their role grants.

    ``local`` marks the operator of the command line on the data home's own
    machine (the performance office's batch user): the permission seam lets
    them do everything, as the files of the home are theirs anyway.
    """

    user_id: str
    grants: tuple[Grant, ...] = ()
    local: bool = False

    @classmethod
    def local_operator(cls, name: str | None = None) -> Actor:
        """The command line's user (``--user`` or the login name), with every right of the home's owner."""
        return cls(name or getpass.getuser(), (Grant("operator"),), local=True)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.role for g in self.grants))

    def __str__(self) -> str:
        return self.user_id


@dataclass(frozen=True)
class Context:
    """Data home, store version (None: the newest), actor and language of one call of a service."""

    home: Home
    actor: Actor = field(default_factory=Actor.local_operator)
    lang: str = "zh"
    store_version: int | None = None

    def at_version(self, version: int | None) -> Context:
        """The same context reading the store as of ``version`` (a run's own)."""
        return replace(self, store_version=version)

    def setup(self) -> None:
        """Open the home's application database (once per process and home)."""
        from rmperf import db

        db.setup(self.home)

    def backend(self, engine: str = "duckdb", master: str | None = None) -> Backend:
        """An engine over the store as of this context's version."""
        from rmperf.engine.backend import DuckDBBackend
        from rmperf.store import FactStore

        self.setup()
        if engine == "spark":
            from rmperf.engine.spark import SparkBackend, spark_session

            return SparkBackend(FactStore(self.home), session=spark_session(master))
        if engine != "duckdb":
            from rmperf.errors import UserError

            raise UserError("value.engine", {"value": engine})
        return DuckDBBackend(FactStore(self.home), version=self.store_version)

    @contextmanager
    def language(self) -> Iterator[None]:
        """Render messages in this context's language while inside (restored after)."""
        before = i18n.get_language()
        i18n.set_language(self.lang)
        try:
            yield
        finally:
            i18n.set_language(before)
