"""A state machine over a pay ledger's life (issue 12, item 8).

Hypothesis plays the performance office for many years at a time: each quarter a run is made and
its pay posted; a sub-branch adjusts an RM's pay (±50 %) and the run is posted again; a run is
corrected (restated data, a new run of the same cycle) and posted again; a posting is repeated by
mistake; a clawback is ordered against pay, a deferral or the reserve; the reserve is released
early. After every step:

- the ledger reconciles, per RM and in total (earned = paid + held + deferred − released + recovered);
- no run is ever paid twice: what an RM earned in a cycle is exactly the gross of the cycle's latest
  posting, however many times it was posted, adjusted or corrected;
- no posted figure changes: what was written stays; a correction is a new entry on the same key.

``RMPERF_PROPERTY_EXAMPLES`` sets the number of runs of the machine (1,000 in ``make test``).
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from rmperf.core.pay.ledger import Entry, Spike, available_for_clawback, clawback, discrepancies, post, release_early
from rmperf.core.pay.policy import LedgerPolicy
from rmperf.core.pay.rules import PayLine
from tests.core.test_pay_ledger import label, line, policies, quarter_end

D = Decimal
FEN = D("0.01")
RMS = ("R1", "R2", "R3")
POSTS = {"R1": "corporate", "R2": "retail", "R3": "corporate"}
EXAMPLES = int(os.environ.get("RMPERF_PROPERTY_EXAMPLES", "1000"))

money = st.integers(min_value=0, max_value=2_000_000_00).map(lambda n: D(n).scaleb(-2))


@st.composite
def run_lines(draw: st.DrawFn, cycle: str) -> dict[str, PayLine]:
    """A run's pay lines: some RMs, each with a performance part and the rest of the gross."""
    out = {}
    for rm in draw(st.lists(st.sampled_from(RMS), unique=True, min_size=1)):
        performance = draw(money)
        out[rm] = line(rm, cycle, performance + draw(money), performance)
    return out


class PayLedger(RuleBasedStateMachine):
    @initialize(policy=policies)
    def start(self, policy: LedgerPolicy) -> None:
        self.policy = policy
        self.history: list[Entry] = []
        self.quarters = 0
        self.lines: dict[str, dict[str, PayLine]] = {}  # cycle → rm → the line last posted
        self.spikes: dict[str, dict[str, Spike]] = {}

    def _entries(self, cycle: str) -> list[Entry]:
        n = list(self.lines).index(cycle)
        return post(
            list(self.lines[cycle].values()),
            self.policy,
            POSTS,
            quarter_end(2025 + n // 4, n % 4 + 1),
            self.history,
            cycle=cycle,
            spikes=self.spikes[cycle],
            ref=f"run:{cycle}",
        )

    def _post(self, cycle: str, was: dict[str, PayLine] | None = None) -> list[Entry]:
        """Post ``cycle``'s lines; a re-post the ledger refuses (below what was since released or clawed
        back) leaves the ledger and the cycle's lines as they were (``was``)."""
        try:
            new = self._entries(cycle)
        except ValueError as refused:
            if was is None or "record a clawback instead" not in str(refused):
                raise
            self.lines[cycle] = was
            return []
        self.history += new
        assert self._entries(cycle) == []  # posted: posting it again at once changes nothing
        return new

    @property
    def today(self) -> object:
        n = max(self.quarters - 1, 0)
        return quarter_end(2025 + n // 4, n % 4 + 1)

    # --- the office's actions ------------------------------------------------------------------------------

    @precondition(lambda self: self.quarters < 16)
    @rule(data=st.data())
    def run_and_post_the_next_quarter(self, data: st.DataObject) -> None:
        cycle = label(2025 + self.quarters // 4, self.quarters % 4 + 1)
        self.quarters += 1
        self.lines[cycle] = data.draw(run_lines(cycle))
        self.spikes[cycle] = {
            rm: Spike(D(data.draw(st.integers(0, 10**7))), D(data.draw(st.integers(0, 10**7))))
            for rm in data.draw(st.lists(st.sampled_from(sorted(self.lines[cycle])), unique=True, max_size=1))
        }
        self._post(cycle)

    @precondition(lambda self: self.lines)
    @rule(data=st.data(), share=st.integers(-50, 50))
    def adjust_and_post_again(self, data: st.DataObject, share: int) -> None:
        """A sub-branch's adjustment of an RM's performance pay, within ±50 %, and the re-post."""
        cycle = data.draw(st.sampled_from(sorted(self.lines)))
        rm = data.draw(st.sampled_from(sorted(self.lines[cycle])))
        before = dict(self.lines[cycle])
        was = before[rm]
        change = (was.performance * D(share) / 100).quantize(FEN, ROUND_HALF_UP)
        self.lines[cycle][rm] = line(rm, cycle, was.gross + change, was.performance + change)
        self._post(cycle, before)

    @precondition(lambda self: self.lines)
    @rule(data=st.data())
    def correct_a_run(self, data: st.DataObject) -> None:
        """A corrected run of a posted cycle (restated data): new lines, possibly for other RMs."""
        cycle = data.draw(st.sampled_from(sorted(self.lines)))
        before = self.lines[cycle]
        self.lines[cycle] = data.draw(run_lines(cycle))
        self._post(cycle, before)

    @precondition(lambda self: self.lines)
    @rule(data=st.data())
    def post_the_same_run_again(self, data: st.DataObject) -> None:
        """By mistake: the run's figures are not posted again (only clawbacks that fell due since are met)."""
        cycle = data.draw(st.sampled_from(sorted(self.lines)))
        new = self._post(cycle)
        assert not [e for e in new if e.kind in ("earned", "held", "deferred")], new

    @precondition(lambda self: self.lines)
    @rule(
        rm=st.sampled_from(RMS),
        against=st.sampled_from(["pay", "deferral", "reserve"]),
        amount=st.integers(1, 500_000_00).map(lambda n: D(n).scaleb(-2)),
        instalments=st.integers(1, 4),
    )
    def claw_back(self, rm: str, against: str, amount: Decimal, instalments: int) -> None:
        if against == "reserve" and amount > available_for_clawback(self.history, rm, "reserve"):
            return  # refused (tested in test_pay_ledger)
        self.history += clawback(
            self.history,
            rm,
            amount,
            on=self.today,  # type: ignore[arg-type]
            reason="restated",
            approval="risk committee",
            target=against,
            instalments=instalments,
        )

    @precondition(lambda self: self.lines)
    @rule(rm=st.sampled_from(RMS))
    def release_the_reserve_early(self, rm: str) -> None:
        self.history += release_early(self.history, rm, on=self.today, reason="loans matured clean", approval="risk")  # type: ignore[arg-type]

    # --- what must always hold -----------------------------------------------------------------------------

    @invariant()
    def the_ledger_reconciles(self) -> None:
        assert discrepancies(self.history) == []

    @invariant()
    def no_run_is_paid_twice(self) -> None:
        earned: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for e in self.history:
            if e.kind == "earned":
                earned[e.rm_id, e.cycle] += e.amount
        for cycle, lines in self.lines.items():
            for rm in RMS:
                want = lines[rm].gross if rm in lines else D(0)
                assert earned.get((rm, cycle), D(0)) == want, (rm, cycle)

    @invariant()
    def corrections_are_new_entries(self) -> None:
        seen: set[str] = set()
        for e in self.history:
            if e.key and e.kind == "earned":
                assert e.key not in seen or e.reason == "correction", e
                seen.add(e.key)


PayLedger.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_pay_ledger_state_machine = PayLedger.TestCase
