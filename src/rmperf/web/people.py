"""Who is asking: the signed-in user as the services' :class:`~rmperf.services.context.Actor`, and the
permission policy of role grants that the web installs at the services' permission seam."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from rmperf.home import Home
from rmperf.services import people
from rmperf.services.context import Actor, Context
from rmperf.services.permissions import ACTIONS, local_only

#: the administrator's actions: users and grants, nothing of data, rules, scores or pay
_PEOPLE_ACTIONS = frozenset(a for a in ACTIONS if a.startswith("people."))
#: the state-changing actions each role may do; the local operator may do all. A committee's adjustment
#: of its own sub-branch's pay comes with the period's workflow (issue 15), which checks the subtree
MAY: dict[str, frozenset[str]] = {
    # every action of data, runs, pay, grades and schemes; not people, not the database's own rights
    "office": frozenset(ACTIONS) - _PEOPLE_ACTIONS - {"db.grant"},
    "admin": _PEOPLE_ACTIONS,
}


def grant_policy(actor: Actor, action: str, target: Mapping[str, Any]) -> bool:
    """Role grants: the local operator may do everything, a user what one of their roles may."""
    if local_only(actor, action, target):
        return True
    return any(action in MAY.get(g.role, frozenset()) for g in actor.grants)


def context_of(request: HttpRequest) -> Context:
    """The services' context of one request: the served home, the user, the language of the request."""
    lang = "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh"
    actor = getattr(request, "_rmperf_actor", None)
    if actor is None:
        actor = people.actor_for(request.user)
        request._rmperf_actor = actor  # type: ignore[attr-defined]
    return Context(Home.resolve(), actor, lang)


def menu(request: HttpRequest) -> dict[str, Any]:
    """What the navigation offers the signed-in user (a template context processor): the parts of the app
    their roles read, and their own pay ledger when they are an RM. Hiding a link is a courtesy; the
    access module refuses what is not theirs either way."""
    if not request.user.is_authenticated:
        return {}
    from rmperf.services import access

    found = access.scope(context_of(request))
    return {
        "menu": {
            "results": found.reads_results,
            "audit": found.audit,
            "imports": found.imports,
            "people": found.people,
            "my_rm": next(iter(sorted(found.rms)), ""),
        }
    }
