"""Pay (薪酬): the scheme's pay rules (``rules``), the ledger's policy (``policy``), the ledger, grades.

Import from the submodules (``from rmperf.core.pay.rules import compute_pay``); this
package imports nothing itself, so that ``rmperf.core.scheme.resolve`` can use the
pay types without an import cycle. See README.md.
"""
