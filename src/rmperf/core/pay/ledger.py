"""The pay ledger (薪酬台账): earned, held back, deferred, released, paid and clawed back, per RM and cycle.

Pure: no Django, no I/O. Entries are immutable and only ever appended; a
correction is a new entry on the same *key* (the line of a posting it
corrects), never an edit. The amount of a line is the sum of its entries.

Entry kinds and signs
---------------------
Every amount is a ``Decimal`` with exactly two decimals (fen). An entry adds
its amount to the term its kind names; the amount is positive in the
direction of its kind (a correction may be negative: it reverses part of an
earlier entry on the same key).

========== ===================================================================
earned     pay the RM earned in a cycle (the pay line's gross)
held       put into the risk reserve (风险准备金/风险保证金), one entry per release part
deferred   put into a deferral: a regulatory tranche (``pool="deferral"``) or a
           year-end spike deferred to the next cycle (``pool="spike"``)
released   taken out of the reserve or a deferral and paid to the RM (``ref`` = the lot)
paid       paid to the RM in the posting (cash of the cycle)
clawback   a clawback order: what the bank claims back, with the reason and who
           approved it; one entry per instalment with its due date; no money moves yet
forfeit    part of a clawback order met from the reserve or an unreleased deferral
           (``ref`` = the lot, ``claim`` = the order)
recovered  part of a clawback order recovered from the pay of a posting (``claim`` = the order)
========== ===================================================================

Identities (:func:`reconciles`)
-------------------------------
1. Pay (the issue's identity): ``earned = paid + held + deferred − released + clawed back``
   where *clawed back* is what is recovered against pay (``recovered``). It is the
   net-pay formula read backwards: net payable = earned − held − deferred +
   released − recovered.
2. Holdings: ``outstanding reserve + outstanding deferral = held + deferred − released − forfeited``
   (bank practice: balance = previous + new − returned − deducted).
3. Where every earned fen is: ``earned = paid + outstanding reserve + outstanding deferral + clawed back (all)``
   with *clawed back (all)* = ``recovered + forfeited``. It is the sum of 1 and 2.

A forfeit (the reserve or an unreleased tranche clawed back) does not touch
earned or paid: that money was held or deferred and now stays with the bank.
Counting it in identity 1 would break it (earned 1,000, 400 deferred, 600
paid, the tranche clawed back: 1,000 ≠ 600 + 0 + 400 − 0 + 400), so it is
counted in identity 2 and the total in identity 3. See
``docs/decisions.md`` (D110–D121).

Schedules
---------
- Risk reserve on performance pay: a flat rate, or marginal bands given per
  month and scaled by the months of the cycle (a quarter's pay meets the
  bands × 3); each cycle's reserve is split into release parts (one third each
  by default), the first due ``reserve_release_after_months`` after the cycle's
  end, the next a year apart.
- Regulatory deferral (2010 商业银行稳健薪酬监管指引): RMs whose post is a key
  risk post have ``deferral_share`` (≥ 40 %) of performance pay deferred in
  ``deferral_years`` (≥ 3) equal yearly tranches, due 12, 24, 36 … months after
  the cycle's end.
- Year-end spikes (003 冲时点): the pay on the part of a period-end
  point-in-time increase that reverses within the window is deferred to the
  next cycle (due the day after the cycle's end), shown with reason ``spike``.
- A lot is released at the first posting whose cycle ends on or after its
  due date, less what pending clawbacks on its pool still need.

Every amount is rounded to the fen once (the reserve, the deferral and the
spike of a cycle), then split exactly (largest remainder) into parts and
tranches.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Protocol

from rmperf.core.allocation import largest_remainder
from rmperf.core.money import FEN, to_fen
from rmperf.core.pay.policy import LedgerPolicy, ReserveBand

__all__ = [
    "CLAIM_TARGETS",
    "KINDS",
    "POOLS",
    "Balance",
    "Balances",
    "Entry",
    "PayLineLike",
    "Spike",
    "add_months",
    "available_for_clawback",
    "balances",
    "clawback",
    "clawback_reserve",
    "cycle_months",
    "discrepancies",
    "post",
    "reconciles",
    "release_early",
    "reserve_amount",
    "spike_deferrals",
]

KINDS = ("earned", "held", "deferred", "released", "paid", "clawback", "forfeit", "recovered")
#: where held / deferred money sits: the risk reserve, regulatory tranches, spike deferrals
POOLS = ("reserve", "deferral", "spike")
#: what a clawback order may take from: ``pay`` (future pay), ``reserve`` (the risk
#: reserve only, 002), ``deferral`` (unreleased tranches and spikes first, then future pay)
CLAIM_TARGETS = ("pay", "reserve", "deferral")

# --- the ledger's words, defined once (zh, en): the command line, the pay sheet and the pages use these ---

#: what each kind of entry is called
KIND_WORDS: dict[str, tuple[str, str]] = {
    "earned": ("应发", "earned"),
    "held": ("风险金计提", "held back"),
    "deferred": ("递延", "deferred"),
    "released": ("释放", "released"),
    "paid": ("实发", "paid"),
    "clawback": ("追索令", "clawback order"),
    "forfeit": ("扣回(风险金/递延)", "forfeited"),
    "recovered": ("追回扣款", "recovered"),
}
#: what each pool of held or deferred pay is called
POOL_WORDS: dict[str, tuple[str, str]] = {
    "reserve": ("风险金", "reserve"),
    "deferral": ("监管递延", "deferral"),
    "spike": ("年末冲高", "spike"),
    "pay": ("薪酬", "pay"),
}
#: why an entry was made
REASON_WORDS: dict[str, tuple[str, str]] = {
    "pay": ("薪酬", "pay"),
    "reserve": ("风险保证金", "risk reserve"),
    "deferral": ("监管递延", "regulatory deferral"),
    "spike": ("年末冲高延迟", "year-end spike"),
    "due": ("到期释放", "due"),
    "clawback": ("追索扣回", "clawback"),
    "correction": ("更正", "correction"),
}
#: the balance lines of a posting or an RM, in the order of the net-pay formula
BALANCE_WORDS: dict[str, tuple[str, str]] = {
    "earned": ("应发合计", "Gross"),
    "held": ("风险金计提", "Held back (reserve)"),
    "deferred": ("递延发放", "Deferred"),
    "deferred_spike": ("其中:年末冲高延迟", "of which year-end spike"),
    "released": ("释放", "Released"),
    "recovered": ("追回扣款", "Clawed back"),
    "paid": ("实发金额", "Net payable"),
    "forfeited": ("从风险金/递延扣回", "Clawed back from reserve/deferral"),
    "outstanding_reserve": ("风险金余额", "Reserve outstanding"),
    "outstanding_deferral": ("递延余额", "Deferral outstanding"),
    "pending_clawback": ("待追回", "Clawback pending"),
    "clawed_back": ("累计扣回", "Clawed back in all"),
}


def word(words: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """``key``'s word of ``words`` in ``lang`` (the key itself when it has none)."""
    zh, en = words.get(key, (key, key))
    return en if lang == "en" else zh


def entry_word(kind: str, pool: str = "", lang: str = "zh") -> str:
    """An entry's kind, with its pool where that says more (``递延(监管递延)``)."""
    text = word(KIND_WORDS, kind, lang)
    if pool and kind != "held":
        shown = word(POOL_WORDS, pool, lang)
        return f"{text} ({shown})" if lang == "en" else f"{text}({shown})"
    return text


#: the 2010 guideline's floor for key risk posts
MIN_DEFERRAL_SHARE = Decimal("0.4")
MIN_DEFERRAL_YEARS = 3

ZERO = Decimal("0.00")


class PayLineLike(Protocol):
    """What the ledger reads of a ``rmperf.core.pay.rules.PayLine``."""

    @property
    def rm_id(self) -> str: ...

    @property
    def cycle(self) -> str: ...

    @property
    def gross(self) -> Decimal: ...

    @property
    def performance(self) -> Decimal: ...


def _is_fen(amount: object) -> bool:
    return isinstance(amount, Decimal) and amount.is_finite() and amount.as_tuple().exponent == -2


@dataclass(frozen=True)
class Entry:
    """One immutable ledger entry.

    ``key`` is the line of a posting the entry belongs to: a correction is a
    new entry on the same key. ``posting`` names the posting that wrote it
    (``<scope><cycle>``; ``claim|…`` for clawback orders, ``early|…`` for early
    releases). ``ref`` is what it refers to: the run for earned / held /
    deferred / paid, the lot for released / forfeit, an outside reference
    (a loan, a restatement) for a clawback order. ``claim`` is the clawback
    order a forfeit or recovery settles; ``pool`` where held or deferred money
    sits (for a clawback order: what it may take from).
    """

    rm_id: str
    cycle: str
    kind: str
    amount: Decimal
    on: date
    due: date | None
    reason: str
    ref: str
    approval: str | None = None
    posting: str = ""
    key: str = ""
    pool: str = ""
    claim: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown ledger entry kind {self.kind!r}")
        if not _is_fen(self.amount):
            raise ValueError(f"a ledger amount is a Decimal with two decimals, not {self.amount!r}")
        if self.pool and self.pool not in POOLS + CLAIM_TARGETS:
            raise ValueError(f"unknown pool {self.pool!r}")


@dataclass(frozen=True)
class Spike:
    """One RM's year-end spike (003 冲时点), as plain Decimals.

    ``increase``: the period-end point-in-time deposit increase the pay was
    computed on; ``reversed``: the part of it that ran off within the window
    after the period's end; ``pay``: the pay that increase earned this cycle
    (None: the whole performance pay). The deferred pay is
    ``pay × min(reversed, increase) / increase``, rounded once.
    """

    increase: Decimal
    reversed: Decimal
    pay: Decimal | None = None
    #: the pay to defer, worked out already (the run's pay less its pay without the reversed rise, in yuan);
    #: when given, ``pay`` and the proportion are not used
    deferred: Decimal | None = None


# --- dates ----------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a month's last day stays a month's last day."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def cycle_months(cycle: str) -> int:
    """Months in a cycle labelled ``2025`` (12), ``2025-H1`` (6), ``2025-Q2`` (3) or ``2025-06`` (1); else 1."""
    from rmperf.core.periods import Period, PeriodKind

    try:
        kind = Period.parse(cycle).kind
    except ValueError:
        return 1
    return {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[kind]


# --- amounts --------------------------------------------------------------------------------------


def _fen(value: Decimal, rounding: str) -> Decimal:
    return to_fen(value, rounding) + ZERO  # + 0.00 keeps the exponent at −2 for zero too


def reserve_amount(performance: Decimal, policy: LedgerPolicy, months: int = 1, rounding: str = "half_up") -> Decimal:
    """The risk reserve held back on a cycle's performance pay, rounded once.

    Banded (``policy.reserve_bands``, per month): each band holds its rate on
    the part of pay inside it, or its flat amount (at most that part); the
    bounds and flat amounts are multiplied by ``months``, which is the same
    as applying the monthly bands to the cycle's average month and
    multiplying back. Otherwise a flat ``reserve_rate``. Never more than the
    performance pay, never negative.
    """
    base = max(performance, Decimal(0))
    if base == 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 60
        if policy.reserve_bands:
            held = _banded(base, policy.reserve_bands, Decimal(months))
        elif policy.reserve_rate is not None:
            held = base * policy.reserve_rate
        else:
            return ZERO
    return min(_fen(held, rounding), _fen(base, rounding))


def _banded(pay: Decimal, bands: Sequence[ReserveBand], months: Decimal) -> Decimal:
    held = Decimal(0)
    lower = Decimal(0)
    for band in bands:
        upper = band.upto * months if band.upto is not None else None
        if pay <= lower:
            break
        part = (min(pay, upper) if upper is not None else pay) - lower
        if part > 0:
            if band.flat is not None:
                held += min(band.flat * months, part)
            elif band.rate is not None:
                held += part * band.rate
        if upper is None:
            break
        lower = upper
    return held


def _release_parts(share: Decimal) -> list[Decimal]:
    """The reserve's release weights: ``share`` each, the last part the rest (1/3 → three thirds)."""
    if share <= 0 or share > 1:
        raise ValueError(f"the reserve's release share must be in (0, 1], not {share}")
    with localcontext() as ctx:
        ctx.prec = 60
        count = int((Decimal(1) / share).quantize(Decimal("0.000001")).to_integral_value(rounding=ROUND_CEILING))
        weights = [share] * (count - 1)
        weights.append(Decimal(1) - share * (count - 1))
    return weights


def _split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` (fen) split by ``weights`` (summing to 1) exactly to the fen; ties go to the earlier part."""
    if total == 0:
        return [ZERO for _ in weights]
    sign = Decimal(1) if total > 0 else Decimal(-1)
    with localcontext() as ctx:
        ctx.prec = 60
        # to 18 decimals: weights like 1/3 that cannot be written exactly tie, and a tie goes to the earlier part
        exact = {f"{i:03d}": (abs(total) * w).quantize(Decimal("1e-18")) for i, w in enumerate(weights)}
    parts = largest_remainder(exact, abs(total), FEN)
    return [sign * parts[f"{i:03d}"] + ZERO for i in range(len(weights))]


def spike_deferrals(
    spikes: Mapping[str, Spike], lines: Sequence[PayLineLike], rounding: str = "half_up"
) -> dict[str, Decimal]:
    """rm_id → the pay deferred for a year-end spike, rounded once (before the cap of :func:`post`)."""
    perf = {line.rm_id: line.performance for line in lines}
    out: dict[str, Decimal] = {}
    for rm_id, spike in spikes.items():
        if spike.deferred is not None:
            exact = _fen(min(spike.deferred, max(perf.get(rm_id, Decimal(0)), Decimal(0))), rounding)
            if exact > 0:
                out[rm_id] = exact
            continue
        if spike.increase <= 0 or spike.reversed <= 0:
            continue
        pay = spike.pay if spike.pay is not None else perf.get(rm_id, Decimal(0))
        if pay <= 0:
            continue
        with localcontext() as ctx:
            ctx.prec = 60
            amount = pay * min(spike.reversed, spike.increase) / spike.increase
        value = _fen(amount, rounding)
        if value > 0:
            out[rm_id] = value
    return out


# --- the state of an RM's holdings and clawbacks --------------------------------------------------


@dataclass
class _Lot:
    key: str
    rm_id: str
    pool: str
    due: date | None
    amount: Decimal = ZERO
    taken: Decimal = ZERO  # released + forfeited

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.taken


@dataclass
class _Claim:
    key: str
    rm_id: str
    target: str
    due: date | None
    reason: str
    approval: str | None
    ref: str
    amount: Decimal = ZERO
    settled: Decimal = ZERO  # recovered + forfeited

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.settled


@dataclass
class _State:
    """Lots and clawback orders, indexed by RM."""

    lots: dict[str, _Lot] = field(default_factory=dict)
    claims: dict[str, _Claim] = field(default_factory=dict)
    by_rm_lots: dict[str, list[_Lot]] = field(default_factory=lambda: defaultdict(list))
    by_rm_claims: dict[str, list[_Claim]] = field(default_factory=lambda: defaultdict(list))
    #: releases and forfeits of lots the state has not seen (yet): lot key → amount
    orphan_takes: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    orphan_settles: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> _State:
        state = cls()
        for e in entries:
            state.add(e)
        return state

    def add(self, e: Entry) -> None:
        if e.kind in ("held", "deferred"):
            lot = self.lots.get(e.key)
            if lot is None:
                lot = _Lot(e.key, e.rm_id, e.pool, e.due, taken=self.orphan_takes.pop(e.key, ZERO))
                self.lots[e.key] = lot
                self.by_rm_lots[e.rm_id].append(lot)
            lot.amount += e.amount
        elif e.kind in ("released", "forfeit"):
            target = self.lots.get(e.ref)
            if target is None:
                self.orphan_takes[e.ref] += e.amount
            else:
                target.taken += e.amount
        if e.kind == "clawback":
            claim = self.claims.get(e.key)
            if claim is None:
                claim = _Claim(
                    e.key,
                    e.rm_id,
                    e.pool or "pay",
                    e.due,
                    e.reason,
                    e.approval,
                    e.ref,
                    settled=self.orphan_settles.pop(e.key, ZERO),
                )
                self.claims[e.key] = claim
                self.by_rm_claims[e.rm_id].append(claim)
            claim.amount += e.amount
        elif e.kind in ("forfeit", "recovered") and e.claim:
            order = self.claims.get(e.claim)
            if order is None:
                self.orphan_settles[e.claim] += e.amount
            else:
                order.settled += e.amount

    def lots_of(self, rm_id: str, pools: Sequence[str]) -> list[_Lot]:
        return sorted(
            (lot for lot in self.by_rm_lots.get(rm_id, ()) if lot.pool in pools),
            key=lambda lot: (lot.due or date.max, lot.key),
        )

    def claims_of(self, rm_id: str) -> list[_Claim]:
        return sorted(
            (c for c in self.by_rm_claims.get(rm_id, ()) if c.outstanding > 0),
            key=lambda c: (c.due or date.min, c.key),
        )

    def rms(self) -> set[str]:
        return {rm for rm, lots in self.by_rm_lots.items() if any(lot.outstanding != 0 for lot in lots)} | {
            rm for rm, claims in self.by_rm_claims.items() if any(c.outstanding > 0 for c in claims)
        }


def _pools_of_target(target: str) -> tuple[str, ...]:
    return {"reserve": ("reserve",), "deferral": ("deferral", "spike")}.get(target, ())


def available_for_clawback(history: Sequence[Entry], rm_id: str, target: str = "reserve") -> Decimal:
    """What an RM's reserve (or deferral) still holds beyond the clawback orders already on it."""
    state = _State.of(history)
    pools = _pools_of_target(target)
    held = sum((lot.outstanding for lot in state.lots_of(rm_id, pools)), ZERO)
    pending = sum((c.outstanding for c in state.claims_of(rm_id) if c.target == target), ZERO)
    return held - pending


# --- posting --------------------------------------------------------------------------------------


def check_policy(policy: LedgerPolicy) -> None:
    """Refuse a policy below the 2010 guideline for key risk posts, or with impossible settings."""
    if policy.deferral_posts:
        if policy.deferral_share < MIN_DEFERRAL_SHARE or policy.deferral_share > 1:
            raise ValueError(
                f"key risk posts defer at least 40 % of performance pay (2010 guideline), not {policy.deferral_share}"
            )
        if policy.deferral_years < MIN_DEFERRAL_YEARS:
            raise ValueError(
                f"key risk posts defer over at least 3 years (2010 guideline), not {policy.deferral_years}"
            )
    if policy.reserve_rate is not None and not (0 <= policy.reserve_rate <= 1):
        raise ValueError(f"the reserve rate must be in [0, 1], not {policy.reserve_rate}")
    if policy.reserve_release_after_months < 0:
        raise ValueError("the reserve's release cannot start before the cycle's end")
    if policy.clawback_instalments < 1:
        raise ValueError("a clawback has at least one instalment")
    _release_parts(policy.reserve_release_share_per_year)


def post(
    lines: Sequence[PayLineLike],
    policy: LedgerPolicy,
    posts: Mapping[str, str],
    cycle_end: date,
    history: Sequence[Entry],
    *,
    cycle: str | None = None,
    scope: str = "",
    on: date | None = None,
    ref: str = "",
    spikes: Mapping[str, Spike] | None = None,
    rounding: str = "half_up",
) -> list[Entry]:
    """The entries that bring the ledger to this cycle's posting (none when it is already there).

    For each RM with a pay line: ``earned`` (the gross), ``held`` (the reserve
    on performance pay, one entry per release part), ``deferred`` (key risk
    posts' tranches; a spike's deferral), then the clawback orders falling
    due (met from the reserve or deferral they name, then from this cycle's
    pay), the lots falling due by ``cycle_end`` (less what pending orders
    still need), and ``paid`` = earned − held − deferred + released −
    recovered. RMs without a line this cycle still get their releases and
    clawbacks.

    The posting is ``scope + cycle``; its earlier entries in ``history`` are
    compared line by line with what it should now hold, and only the
    differences are returned (``reason="correction"``): posting the same
    lines twice returns nothing.
    """
    check_policy(policy)
    labels = {line.cycle for line in lines}
    if cycle is None:
        if len(labels) != 1:
            raise ValueError("give the cycle: the pay lines name none or more than one")
        cycle = labels.pop()
    elif labels - {cycle}:
        raise ValueError(f"pay lines of other cycles than {cycle}: {sorted(labels - {cycle})}")
    posting = f"{scope}{cycle}"
    when = on or cycle_end
    months = cycle_months(cycle)
    own = [e for e in history if e.posting == posting]
    state = _State.of(e for e in history if e.posting != posting)
    by_rm: dict[str, PayLineLike] = {}
    for pay_line in lines:
        if pay_line.rm_id in by_rm:
            raise ValueError(f"two pay lines for {pay_line.rm_id} in {cycle}")
        by_rm[pay_line.rm_id] = pay_line
    spiked = spike_deferrals(spikes or {}, lines, rounding)
    release_weights = _release_parts(policy.reserve_release_share_per_year)
    tranche_weights = [Decimal(1) / policy.deferral_years] * policy.deferral_years
    with localcontext() as ctx:
        ctx.prec = 60
        tranche_weights[-1] = Decimal(1) - sum(tranche_weights[:-1], Decimal(0))
    wanted: dict[str, Entry] = {}

    def put(rm_id: str, kind: str, amount: Decimal, slot: str, reason: str, **extra: object) -> Entry | None:
        if amount == 0:
            return None
        key = f"{posting}|{rm_id}|{slot}"
        entry = wanted[key] = Entry(
            rm_id=rm_id,
            cycle=cycle,
            kind=kind,
            amount=amount + ZERO,
            on=when,
            due=extra.pop("due", None),  # type: ignore[arg-type]
            reason=reason,
            ref=str(extra.pop("ref", ref)),
            approval=extra.pop("approval", None),  # type: ignore[arg-type]
            posting=posting,
            key=key,
            pool=str(extra.pop("pool", "")),
            claim=extra.pop("claim", None),  # type: ignore[arg-type]
        )
        return entry

    for rm_id in sorted(set(by_rm) | state.rms()):
        line = by_rm.get(rm_id)
        earned = _fen(line.gross, rounding) if line is not None else ZERO
        base = max(ZERO, min(_fen(line.performance, rounding), earned)) if line is not None else ZERO
        put(rm_id, "earned", earned, "earned", "pay")
        new_lots: list[Entry | None] = []
        # risk reserve, in release parts
        held = reserve_amount(base, policy, months, rounding)
        for k, part in enumerate(_split(held, release_weights), 1):
            due = add_months(cycle_end, policy.reserve_release_after_months + 12 * (k - 1))
            new_lots.append(put(rm_id, "held", part, f"reserve|{k}", "reserve", due=due, pool="reserve"))
        # regulatory deferral of key risk posts
        deferred = ZERO
        if posts.get(rm_id) in policy.deferral_posts and base > held:
            with localcontext() as ctx:
                ctx.prec = 60
                deferred = min(_fen(base * policy.deferral_share, rounding), base - held)
            for k, part in enumerate(_split(deferred, tranche_weights), 1):
                due = add_months(cycle_end, 12 * k)
                new_lots.append(put(rm_id, "deferred", part, f"deferral|{k}", "deferral", due=due, pool="deferral"))
        # year-end spike
        spike = min(spiked.get(rm_id, ZERO), max(ZERO, base - held - deferred))
        new_lots.append(
            put(rm_id, "deferred", spike, "spike", "spike", due=cycle_end + timedelta(days=1), pool="spike")
        )
        # the posting's own lots join the state (with what later postings already took of them)
        for e in new_lots:
            if e is not None:
                state.add(e)
                if state.lots[e.key].outstanding < 0:
                    _refuse_repost(e.key, state.lots[e.key].taken, cycle)
        released = ZERO
        recovered = ZERO
        # clawback orders falling due: first from the reserve / deferral they name
        due_claims = [c for c in state.claims_of(rm_id) if c.due is None or c.due <= cycle_end]
        for claim in due_claims:
            for lot in state.lots_of(rm_id, _pools_of_target(claim.target)):
                take = min(lot.outstanding, claim.outstanding)
                if take <= 0:
                    continue
                slot = f"forfeit|{claim.key}|{lot.key}"
                put(rm_id, "forfeit", take, slot, "clawback", ref=lot.key, pool=lot.pool, claim=claim.key)
                lot.taken += take
                claim.settled += take
        # lots falling due, less what pending orders on their pool still need
        for pools, target in ((("reserve",), "reserve"), (("deferral", "spike"), "deferral")):
            lots = state.lots_of(rm_id, pools)
            pending = sum((c.outstanding for c in state.claims_of(rm_id) if c.target == target), ZERO)
            free = sum((lot.outstanding for lot in lots), ZERO) - pending
            for lot in lots:
                if lot.due is None or lot.due > cycle_end or lot.outstanding <= 0 or free <= 0:
                    continue
                take = min(lot.outstanding, free)
                put(rm_id, "released", take, f"release|{lot.key}", "due", ref=lot.key, pool=lot.pool, due=lot.due)
                lot.taken += take
                free -= take
                released += take
        # then from this cycle's pay
        available = earned - held - deferred - spike + released
        for claim in due_claims:
            if claim.target == "reserve" or claim.outstanding <= 0 or available <= 0:
                continue
            take = min(claim.outstanding, available)
            put(rm_id, "recovered", take, f"recover|{claim.key}", "clawback", ref=claim.ref, claim=claim.key)
            claim.settled += take
            available -= take
            recovered += take
        put(rm_id, "paid", earned - held - deferred - spike + released - recovered, "paid", "pay")

    gone = [k for k, v in state.orphan_takes.items() if v and k.startswith(f"{posting}|")]
    if gone:
        _refuse_repost(gone[0], state.orphan_takes[gone[0]], cycle)
    return _difference(own, wanted)


def _refuse_repost(key: str, taken: Decimal, cycle: str) -> None:
    raise ValueError(
        f"a later posting already released or clawed back {taken} of {key}, more than it would now hold; "
        f"record a clawback instead of re-posting {cycle}"
    )


def _difference(own: Sequence[Entry], wanted: Mapping[str, Entry]) -> list[Entry]:
    """Entries that turn what ``own`` holds, key by key, into ``wanted``."""
    have: dict[str, Decimal] = defaultdict(lambda: ZERO)
    last: dict[str, Entry] = {}
    for e in own:
        have[e.key] += e.amount
        last[e.key] = e
    out: list[Entry] = []
    for key in [*wanted, *(k for k in last if k not in wanted)]:
        target = wanted.get(key)
        amount = (target.amount if target is not None else ZERO) - have[key]
        if amount == 0:
            continue
        template = target if target is not None else last[key]
        reason = template.reason if key not in last else "correction"
        on = target.on if target is not None else template.on
        out.append(replace(template, amount=amount + ZERO, reason=reason, on=on))
    return out


# --- clawback and early release -------------------------------------------------------------------


def _next_number(history: Sequence[Entry], prefix: str) -> int:
    seen = {e.posting for e in history if e.posting.startswith(prefix)}
    return len(seen) + 1


def clawback(
    history: Sequence[Entry],
    rm_id: str,
    amount: Decimal,
    *,
    on: date,
    reason: str,
    approval: str,
    target: str = "pay",
    instalments: int = 1,
    every_months: int = 3,
    ref: str = "",
    cycle: str = "",
) -> list[Entry]:
    """A clawback order (追索扣回): ``amount`` claimed back from ``rm_id``, in ``instalments``.

    Pay issued on wrong information, falsified results or a restatement:
    ``target="pay"`` (recovered from future pay) or ``target="deferral"``
    (from tranches not yet released, then future pay). A responsible RM's
    non-performing loan: ``target="reserve"`` (see :func:`clawback_reserve`).
    The reason and who approved it are required. The instalments split the
    amount exactly; the first is due ``on``, the next every ``every_months``;
    each is met at the first posting whose cycle ends on or after its due date.
    """
    if not reason or not reason.strip():
        raise ValueError("a clawback needs a reason")
    if not approval or not approval.strip():
        raise ValueError("a clawback needs the name of who approved it")
    if target not in CLAIM_TARGETS:
        raise ValueError(f"a clawback takes from {', '.join(CLAIM_TARGETS)}, not {target!r}")
    if not _is_fen(amount) or amount <= 0:
        raise ValueError(f"a clawback is a positive amount in fen, not {amount!r}")
    if instalments < 1 or every_months < 0:
        raise ValueError("a clawback has at least one instalment, a non-negative number of months apart")
    if target == "reserve":
        free = available_for_clawback(history, rm_id, "reserve")
        if amount > free:
            raise ValueError(f"{rm_id}'s reserve holds {free} beyond the clawbacks already on it, less than {amount}")
    number = _next_number(history, f"claim|{rm_id}|")
    posting = f"claim|{rm_id}|{number}"
    parts = _split(amount, [Decimal(1) / instalments] * (instalments - 1) + [_last_weight(instalments)])
    return [
        Entry(
            rm_id=rm_id,
            cycle=cycle,
            kind="clawback",
            amount=part,
            on=on,
            due=add_months(on, every_months * (k - 1)),
            reason=reason.strip(),
            ref=ref,
            approval=approval.strip(),
            posting=posting,
            key=f"{posting}|{k}",
            pool=target,
        )
        for k, part in enumerate(parts, 1)
        if part != 0
    ]


def _last_weight(count: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(1) - (Decimal(1) / count) * (count - 1)


def clawback_reserve(
    history: Sequence[Entry],
    rm_id: str,
    policy: LedgerPolicy,
    *,
    on: date,
    reason: str,
    approval: str,
    amount: Decimal | None = None,
    instalments: int | None = None,
    every_months: int = 3,
    ref: str = "",
    cycle: str = "",
) -> list[Entry]:
    """002: a loan the RM made turned non-performing and the RM was found responsible.

    The reserve (``amount``, by default all it holds beyond earlier orders) is
    clawed back in ``policy.clawback_instalments`` instalments.
    """
    free = available_for_clawback(history, rm_id, "reserve")
    value = free if amount is None else amount
    if value <= 0:
        raise ValueError(f"{rm_id} has no reserve to claw back")
    return clawback(
        history,
        rm_id,
        value,
        on=on,
        reason=reason,
        approval=approval,
        target="reserve",
        instalments=instalments or policy.clawback_instalments,
        every_months=every_months,
        ref=ref,
        cycle=cycle,
    )


def release_early(
    history: Sequence[Entry],
    rm_id: str,
    *,
    on: date,
    reason: str,
    approval: str,
    pool: str = "reserve",
    cycle: str = "",
) -> list[Entry]:
    """Release what a pool holds before its schedule (e.g. the loans behind the reserve matured clean).

    Everything beyond the pending clawback orders on it is released and paid
    at once (``released`` per lot and one ``paid``), with the reason and approval.
    """
    if not reason.strip() or not approval.strip():
        raise ValueError("an early release needs a reason and who approved it")
    target = "reserve" if pool == "reserve" else "deferral"
    state = _State.of(history)
    free = available_for_clawback(history, rm_id, target)
    number = _next_number(history, f"early|{rm_id}|")
    posting = f"early|{rm_id}|{number}"
    out: list[Entry] = []
    total = ZERO
    for lot in state.lots_of(rm_id, _pools_of_target(target)):
        take = min(lot.outstanding, free)
        if take <= 0:
            continue
        out.append(
            Entry(
                rm_id,
                cycle,
                "released",
                take,
                on,
                lot.due,
                reason.strip(),
                lot.key,
                approval.strip(),
                posting,
                f"{posting}|release|{lot.key}",
                lot.pool,
            )
        )
        free -= take
        total += take
    if total:
        out.append(
            Entry(
                rm_id, cycle, "paid", total, on, None, reason.strip(), "", approval.strip(), posting, f"{posting}|paid"
            )
        )
    return out


# --- balances and reconciliation ------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """Sums of one RM's (or everyone's) entries, and what is still outstanding."""

    earned: Decimal = ZERO
    paid: Decimal = ZERO
    held: Decimal = ZERO
    deferred: Decimal = ZERO
    deferred_spike: Decimal = ZERO
    released: Decimal = ZERO
    released_reserve: Decimal = ZERO
    released_deferral: Decimal = ZERO
    recovered: Decimal = ZERO
    forfeited: Decimal = ZERO
    forfeited_reserve: Decimal = ZERO
    forfeited_deferral: Decimal = ZERO
    clawback_ordered: Decimal = ZERO

    @property
    def clawed_back(self) -> Decimal:
        """Everything the bank took back: recovered from pay plus forfeited from the reserve and deferrals."""
        return self.recovered + self.forfeited

    @property
    def outstanding_reserve(self) -> Decimal:
        return self.held - self.released_reserve - self.forfeited_reserve

    @property
    def outstanding_deferral(self) -> Decimal:
        """Regulatory tranches and spike deferrals not yet released or forfeited."""
        return self.deferred - self.released_deferral - self.forfeited_deferral

    @property
    def pending_clawback(self) -> Decimal:
        """Clawback orders not yet met."""
        return self.clawback_ordered - self.clawed_back

    def plus(self, e: Entry) -> Balance:
        """This balance with ``e`` added."""
        sums = self.as_fields()
        _add(sums, e)
        return Balance(**sums)

    def as_fields(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def as_dict(self) -> dict[str, Decimal]:
        """Every field and the derived figures (clawed back, outstanding, pending)."""
        out = self.as_fields()
        for name in ("clawed_back", "outstanding_reserve", "outstanding_deferral", "pending_clawback"):
            out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Balances:
    per_rm: dict[str, Balance]
    total: Balance


def _add(sums: dict[str, Decimal], e: Entry) -> None:
    """Add entry ``e`` to the sums of a :class:`Balance`'s fields."""
    kind, amount = e.kind, e.amount
    if kind in ("earned", "paid", "held", "deferred", "released", "recovered"):
        sums[kind] += amount
    if kind == "deferred" and e.pool == "spike":
        sums["deferred_spike"] += amount
    elif kind == "released":
        sums["released_reserve" if e.pool == "reserve" else "released_deferral"] += amount
    elif kind == "forfeit":
        sums["forfeited"] += amount
        sums["forfeited_reserve" if e.pool == "reserve" else "forfeited_deferral"] += amount
    elif kind == "clawback":
        sums["clawback_ordered"] += amount


def balances(entries: Iterable[Entry]) -> Balances:
    """Per RM and in total: earned, paid, held, deferred, released, clawed back and what is outstanding."""
    names = tuple(Balance.__dataclass_fields__)
    per_rm: dict[str, dict[str, Decimal]] = {}
    total = dict.fromkeys(names, ZERO)
    for e in entries:
        sums = per_rm.get(e.rm_id)
        if sums is None:
            sums = per_rm[e.rm_id] = dict.fromkeys(names, ZERO)
        _add(sums, e)
        _add(total, e)
    return Balances({rm: Balance(**per_rm[rm]) for rm in sorted(per_rm)}, Balance(**total))


def balance_series(entries: Iterable[Entry]) -> list[tuple[date, Balance]]:
    """One RM's (or everyone's) balances at the end of each day an entry is dated, in date order: what
    was earned and paid so far, what the reserve and the deferrals still hold, what was clawed back —
    the ledger's course over time (a chart of an RM's pay)."""
    out: list[tuple[date, Balance]] = []
    running = Balance()
    for e in sorted(entries, key=lambda e: e.on):
        running = running.plus(e)
        if out and out[-1][0] == e.on:
            out[-1] = (e.on, running)
        else:
            out.append((e.on, running))
    return out


def _problems(who: str, b: Balance) -> list[str]:
    out: list[str] = []
    if b.earned != b.paid + b.held + b.deferred - b.released + b.recovered:
        out.append(
            f"{who}: earned {b.earned} ≠ paid {b.paid} + held {b.held} + deferred {b.deferred} "
            f"− released {b.released} + clawed back {b.recovered}"
        )
    holdings = b.outstanding_reserve + b.outstanding_deferral
    if holdings != b.held + b.deferred - b.released - b.forfeited:
        out.append(f"{who}: holdings {holdings} ≠ held + deferred − released − forfeited")
    if b.earned != b.paid + holdings + b.clawed_back:
        out.append(f"{who}: earned {b.earned} ≠ paid + outstanding {holdings} + clawed back {b.clawed_back}")
    return out


def discrepancies(entries: Iterable[Entry]) -> list[str]:
    """What does not reconcile (empty when everything does), per RM and in total; also every lot
    released or forfeited beyond what it holds, and every order met beyond its amount."""
    items = list(entries)
    sums = balances(items)
    out: list[str] = []
    for rm_id, b in sums.per_rm.items():
        out += _problems(rm_id, b)
    out += _problems("total", sums.total)
    state = _State.of(items)
    out += [
        f"{lot.rm_id}: lot {lot.key} overdrawn ({lot.outstanding})"
        for lot in state.lots.values()
        if lot.outstanding < 0
    ]
    out += [
        f"{c.rm_id}: clawback {c.key} over-met ({c.outstanding})" for c in state.claims.values() if c.outstanding < 0
    ]
    out += [f"{k}: taken from a lot the ledger does not hold" for k, v in state.orphan_takes.items() if v]
    return out


def reconciles(entries: Iterable[Entry]) -> bool:
    """True when the three identities of the module hold per RM and in total, and nothing is overdrawn."""
    return not discrepancies(entries)
