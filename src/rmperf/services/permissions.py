"""The one place a service that changes state asks whether its actor may (the permission seam).

Every service that writes (import, run, pay posting, adjustment, clawback,
release, grades, repair) calls :func:`permit` with the action's name and
what it acts on, before it opens its transaction. Today the policy lets the
command line's local operator do everything and refuses anyone else; the web
application installs its own (role grants on org subtrees) with
:func:`install`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rmperf.errors import UserError
from rmperf.services.context import Actor, Context

#: the state-changing actions, by name (the audit log's ``action`` words where there is one)
ACTIONS = (
    "import",
    "repair",
    "close",
    "run",
    "pay.post",
    "pay.adjust",
    "pay.clawback",
    "pay.release",
    "grades.post",
    "db.grant",
    "people.create",
    "people.grant",
    "people.revoke",
    "people.deactivate",
    "scheme.check",
)

Policy = Callable[[Actor, str, Mapping[str, Any]], bool]


class PermissionDenied(UserError):
    """The actor may not do this action (on this object)."""

    def __init__(self, actor: Actor, action: str) -> None:
        from rmperf.messages import Message

        super().__init__("permission.denied", {"user": actor.user_id, "action": Message(f"permit.{action}")})


def local_only(actor: Actor, action: str, target: Mapping[str, Any]) -> bool:
    """The command line's policy: the home's local operator may do everything; nobody else anything."""
    return actor.local


_policy: list[Policy] = [local_only]


def install(policy: Policy) -> Policy:
    """Use ``policy`` from now on; returns the one it replaces (to restore it)."""
    before = _policy[0]
    _policy[0] = policy
    return before


def permit(ctx: Context, action: str, **target: Any) -> None:
    """Refuse with :class:`PermissionDenied` unless the policy lets ``ctx.actor`` do ``action`` on ``target``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not _policy[0](ctx.actor, action, target):
        raise PermissionDenied(ctx.actor, action)
