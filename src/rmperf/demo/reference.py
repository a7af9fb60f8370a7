"""The bank's people and places: orgs, villages, managers and customers.

Each builder returns a frozen dataclass of numpy arrays (one element per
row; references are array indices) and a ``columns()`` method that renders
the contract table as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rmperf import contract
from rmperf.demo import names
from rmperf.demo.config import SizeConfig
from rmperf.demo.dates import NO_DATE, OPEN_END, Horizon, IntArray, add_months, iso_dates
from rmperf.demo.writers import Columns, bool_text, id_text, pick

BoolArray = npt.NDArray[np.bool_]

HEAD, BRANCH, SUBBRANCH = 0, 1, 2
AGRI, INDUSTRIAL, URBAN = 0, 1, 2  # indices into contract.REGION_TYPES
CORPORATE, RETAIL, INCLUSIVE, WEALTH = 0, 1, 2, 3  # indices into contract.POSTS
PERSONAL, CORPORATE_CUSTOMER, INTERBANK = 0, 1, 2  # indices into contract.CUSTOMER_KINDS
SEGMENTS = ("mass", "affluent", "private", "sme", "large", "interbank")
MASS, AFFLUENT, PRIVATE, SME, LARGE, INTERBANK_SEGMENT = range(6)


@dataclass(frozen=True)
class Orgs:
    """The organisation tree: index 0 is the head office."""

    ids: list[str]
    names: list[str]
    level: IntArray
    parent: IntArray  # index of the parent org, -1 for the head office
    region_written: IntArray  # region code as written in the file, -1 = empty
    region: IntArray  # effective (inherited) region code, -1 for the head office

    @property
    def subbranches(self) -> IntArray:
        """Indices of the sub-branches."""
        return np.flatnonzero(self.level == SUBBRANCH)

    def columns(self) -> Columns:
        return {
            "org_id": self.ids,
            "parent_id": ["" if p < 0 else self.ids[p] for p in self.parent.tolist()],
            "name": self.names,
            "level": pick(contract.ORG_LEVELS, self.level),
            "region_type": pick(contract.REGION_TYPES, self.region_written),
        }


def build_orgs(cfg: SizeConfig, rng: np.random.Generator) -> Orgs:
    """Head office, ``cfg.branches`` branches cycling over the three region
    types, and ``cfg.subbranches`` sub-branches spread round-robin over them.
    Sub-branches mostly leave region_type empty (inherit); some restate it
    and a few differ (a county-seat sub-branch that is ``urban``)."""
    places = names.place_names(rng, cfg.branches + cfg.subbranches)
    ids, labels = ["0000"], [f"{names.BANK_NAME}总行"]
    level, parent, written = [HEAD], [-1], [-1]
    branch_suffix = {AGRI: "县分行", INDUSTRIAL: "县分行", URBAN: "区分行"}
    for b in range(cfg.branches):
        region = (AGRI, INDUSTRIAL, URBAN)[b % 3]
        ids.append(f"{b + 1:02d}00")
        labels.append(places[b] + branch_suffix[region])
        level.append(BRANCH)
        parent.append(0)
        written.append(region)
    counters = [0] * cfg.branches
    choice = rng.random(cfg.subbranches)
    for s in range(cfg.subbranches):
        b = s % cfg.branches
        counters[b] += 1
        branch_region = written[1 + b]
        if choice[s] < 0.6 or (counters[b] == 1 and choice[s] >= 0.85):
            region = -1  # inherit; a branch's first sub-branch never differs, so every region has one
        elif choice[s] < 0.85:
            region = branch_region
        else:
            region = URBAN if branch_region != URBAN else INDUSTRIAL
        effective = branch_region if region < 0 else region
        suffix = {AGRI: "镇支行", INDUSTRIAL: "工业园支行", URBAN: "支行"}[effective]
        ids.append(f"{b + 1:02d}{counters[b]:02d}")
        labels.append(places[cfg.branches + s] + suffix)
        level.append(SUBBRANCH)
        parent.append(1 + b)
        written.append(region)
    written_arr = np.asarray(written, dtype=np.int64)
    parent_arr = np.asarray(parent, dtype=np.int64)
    effective_arr = written_arr.copy()
    for i in range(len(ids)):
        if effective_arr[i] < 0 and parent_arr[i] >= 0:
            effective_arr[i] = effective_arr[parent_arr[i]]
    return Orgs(ids, labels, np.asarray(level, dtype=np.int64), parent_arr, written_arr, effective_arr)


@dataclass(frozen=True)
class Villages:
    """Administrative villages of agri-county sub-branches."""

    ids: list[str]
    names: list[str]
    org: IntArray

    def columns(self, orgs: Orgs) -> Columns:
        return {"village_id": self.ids, "org_id": [orgs.ids[o] for o in self.org.tolist()], "name": self.names}

    def of_org(self, org: int) -> IntArray:
        """Indices of the villages of one sub-branch."""
        return np.flatnonzero(self.org == org)


def build_villages(cfg: SizeConfig, orgs: Orgs, rng: np.random.Generator) -> Villages:
    """``cfg.villages_per_agri_subbranch`` villages per agri-county sub-branch."""
    agri = [int(s) for s in orgs.subbranches if orgs.region[s] == AGRI]
    count = cfg.villages_per_agri_subbranch
    places = names.place_names(rng, len(agri) * count)
    ids, labels, org = [], [], []
    for i, s in enumerate(agri):
        for k in range(count):
            ids.append(f"V{orgs.ids[s]}{k + 1:02d}")
            labels.append(places[i * count + k] + "村")
            org.append(s)
    return Villages(ids, labels, np.asarray(org, dtype=np.int64))


@dataclass(frozen=True)
class Managers:
    """Relationship managers (客户经理)."""

    ids: list[str]
    names: list[str]
    org: IntArray
    post: IntArray
    grade: IntArray
    rm_since: IntArray
    team: list[str]
    probation_until: IntArray
    left_on: IntArray  # NO_DATE when still employed
    manages_people: BoolArray

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def leaving(self) -> BoolArray:
        return np.asarray(self.left_on != NO_DATE, dtype=bool)

    def columns(self, orgs: Orgs) -> Columns:
        return {
            "rm_id": self.ids,
            "name": self.names,
            "org_id": [orgs.ids[o] for o in self.org.tolist()],
            "post": pick(contract.POSTS, self.post),
            "grade": pick(contract.GRADES, self.grade),
            "rm_since": iso_dates(self.rm_since),
            "team": self.team,
            "probation_until": iso_dates(self.probation_until),
            "left_on": iso_dates(self.left_on),
            "manages_people": bool_text(self.manages_people),
        }


_GRADE_WEIGHTS = np.array([0.06, 0.13, 0.21, 0.21, 0.15, 0.11, 0.08, 0.05])
#: years as RM before 1 January, by grade: (min, max)
_GRADE_YEARS = ((0.1, 1.0), (0.5, 3), (2, 5), (3, 7), (4, 9), (6, 12), (8, 15), (10, 22))


def _post_weights(region: int) -> npt.NDArray[np.float64]:
    """Share of each post (corporate, retail, inclusive, wealth) in a sub-branch."""
    if region == AGRI:
        return np.array([0.15, 0.35, 0.40, 0.10])
    if region == INDUSTRIAL:
        return np.array([0.35, 0.30, 0.25, 0.10])
    return np.array([0.30, 0.35, 0.15, 0.20])


def build_managers(cfg: SizeConfig, orgs: Orgs, hz: Horizon, rng: np.random.Generator) -> Managers:
    """RMs spread over the sub-branches (at least one each), covering all
    posts and grades; some on probation, a few leaving at a month end, one
    people-leader per sub-branch of three or more RMs."""
    subs = orgs.subbranches
    n = cfg.rms
    per_sub = np.ones(len(subs), dtype=np.int64) if n >= len(subs) else np.zeros(len(subs), dtype=np.int64)
    per_sub += rng.multinomial(n - int(per_sub.sum()), np.full(len(subs), 1.0 / len(subs)))
    org = np.repeat(subs, per_sub)
    post = np.array([rng.choice(4, p=_post_weights(int(orgs.region[o]))) for o in org.tolist()], dtype=np.int64)
    grade = rng.choice(8, size=n, p=_GRADE_WEIGHTS).astype(np.int64)
    cover = rng.permutation(n)
    post[cover[: min(4, n)]] = np.arange(min(4, n))
    grade[cover[: min(8, n)]] = np.arange(min(8, n))
    lo = np.array([_GRADE_YEARS[g][0] for g in grade.tolist()])
    hi = np.array([_GRADE_YEARS[g][1] for g in grade.tolist()])
    rm_since = hz.start - np.rint(rng.uniform(lo, hi) * 365.25).astype(np.int64)
    rng.random(n), rng.random(n), rng.integers(20, hz.n_days - 5, n)  # the draws of an earlier rule, kept
    # probation (003 第十五条): the RMs hired recently — about 5 % (at least one), six months from the day they
    # started (three for trainees); the first of them started on 1 January, so their probation ends on 30 June
    # and the July evaluation judges it (003 第十七条)
    hires_rng = rng.spawn(1)[0]  # its own stream: the parent's later draws are unchanged by it
    count = max(1, round(n * 0.05))
    hired = hires_rng.choice(np.flatnonzero(grade <= 4), size=min(count, int((grade <= 4).sum())), replace=False)
    start_day = hz.start - hires_rng.integers(0, 150, len(hired))
    if len(hired):
        start_day[0] = hz.start
    rm_since[hired] = start_day
    months = np.where(grade[hired] == 0, 3, 6)
    probation = np.full(n, NO_DATE, dtype=np.int64)
    probation[hired] = add_months(start_day, months) - 1
    on_probation = probation != NO_DATE

    leader = np.zeros(n, dtype=bool)
    for s in subs.tolist():
        members = np.flatnonzero(org == s)
        if len(members) >= 3:
            leader[members[np.argmax(grade[members] * 10 + rng.random(len(members)))]] = True
    leaving_count = max(1, round(n * 0.02)) if n >= 8 else 0
    big_enough = np.bincount(org, minlength=len(orgs.ids))[org] >= 3  # someone stays to take over
    candidates = np.flatnonzero(~leader & ~on_probation & big_enough)
    leavers = rng.choice(candidates, size=min(leaving_count, len(candidates)), replace=False)
    left_on = np.full(n, NO_DATE, dtype=np.int64)
    last_month = max(1, hz.months - 1)
    left_on[leavers] = hz.month_ends[rng.integers(0, last_month, len(leavers))]

    post_code = ("CORP", "RETL", "INCL", "WLTH")
    team = [
        "" if r < 0.1 else f"T{orgs.ids[o]}{post_code[p]}"
        for o, p, r in zip(org.tolist(), post.tolist(), rng.random(n).tolist(), strict=False)
    ]
    return Managers(
        ids=id_text("R", np.arange(1, n + 1), 5),
        names=names.person_names(rng, n),
        org=org,
        post=post,
        grade=grade,
        rm_since=rm_since,
        team=team,
        probation_until=probation.astype(np.int64),
        left_on=left_on,
        manages_people=leader,
    )


@dataclass(frozen=True)
class Customers:
    """Customers (客户); ``join_day``/``leave_day`` drive new and lost customers."""

    ids: list[str]
    kind: IntArray
    org: IntArray
    segment: IntArray
    village: IntArray  # -1 = none
    is_agri: BoolArray
    is_inclusive: BoolArray
    is_new_agri_entity: BoolArray
    join_day: IntArray  # epoch day the customer came; before 1 Jan for existing customers
    leave_day: IntArray  # epoch day the customer left (all accounts closed), OPEN_END if not

    @property
    def count(self) -> int:
        return len(self.ids)

    def is_new(self, hz: Horizon) -> BoolArray:
        """Customers who came during the year (新增客户)."""
        return self.join_day >= hz.start

    def columns(self, orgs: Orgs, villages: Villages) -> Columns:
        return {
            "customer_id": self.ids,
            "kind": pick(contract.CUSTOMER_KINDS, self.kind),
            "org_id": [orgs.ids[o] for o in self.org.tolist()],
            "segment": pick(SEGMENTS, self.segment),
            "village_id": ["" if v < 0 else villages.ids[v] for v in self.village.tolist()],
            "is_agri": bool_text(self.is_agri),
            "is_inclusive": bool_text(self.is_inclusive),
            "is_new_agri_entity": bool_text(self.is_new_agri_entity),
        }


def build_customers(
    cfg: SizeConfig, orgs: Orgs, villages: Villages, managers: Managers, hz: Horizon, rng: np.random.Generator
) -> Customers:
    """Mostly personal customers, some corporate, a few interbank, homed at
    sub-branches in proportion to their RMs; rural personal customers of
    agri-county sub-branches live in a village; ~7 % joined during the
    year and ~3 % leave during it."""
    n = cfg.customers
    kind = rng.choice(3, size=n, p=[0.886, 0.11, 0.004]).astype(np.int64)
    kind[rng.choice(n, size=2, replace=False)] = INTERBANK
    rm_count = np.bincount(managers.org, minlength=len(orgs.ids)).astype(np.float64)
    subs = orgs.subbranches
    weights = rm_count[subs] * rng.uniform(0.7, 1.3, len(subs))
    org = subs[rng.choice(len(subs), size=n, p=weights / weights.sum())]
    region = orgs.region[org]
    personal, corporate = kind == PERSONAL, kind == CORPORATE_CUSTOMER

    segment = np.where(
        personal,
        rng.choice([MASS, AFFLUENT, PRIVATE], size=n, p=[0.85, 0.13, 0.02]),
        np.where(corporate, np.where(rng.random(n) < 0.16, LARGE, SME), INTERBANK_SEGMENT),
    ).astype(np.int64)

    rural = personal & (region == AGRI) & (rng.random(n) < 0.75)
    village = np.full(n, -1, dtype=np.int64)
    for s in np.unique(org[rural]).tolist():
        own = villages.of_org(s)
        members = np.flatnonzero(rural & (org == s))
        if len(own):
            village[members] = own[rng.integers(0, len(own), len(members))]
    agri_p = np.where(rural, 0.45, np.where(corporate & (region == AGRI), 0.35, np.where(corporate, 0.06, 0.01)))
    is_agri = rng.random(n) < agri_p
    inclusive_p = np.where(corporate & (segment == SME), 0.55, np.where(personal, 0.04 + 0.08 * rural, 0.0))
    is_inclusive = rng.random(n) < inclusive_p
    is_new_agri = corporate & is_agri & (rng.random(n) < 0.3)

    new = rng.random(n) < 0.07
    join = np.where(new, hz.start + rng.integers(0, max(1, hz.n_days - 20), n), hz.start - rng.integers(30, 6000, n))
    lost = ~new & (kind != INTERBANK) & (rng.random(n) < 0.03)
    leave = np.where(lost, hz.start + rng.integers(20, hz.n_days, n), OPEN_END)
    return Customers(
        ids=id_text("", np.arange(1, n + 1) * 7 + 100, 10),
        kind=kind,
        org=org.astype(np.int64),
        segment=segment,
        village=village,
        is_agri=is_agri,
        is_inclusive=is_inclusive,
        is_new_agri_entity=is_new_agri,
        join_day=join.astype(np.int64),
        leave_day=leave.astype(np.int64),
    )
