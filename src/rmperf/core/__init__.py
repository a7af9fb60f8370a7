"""The pure core: periods, money, and (later) schemes, scoring and pay.

Nothing here imports a database, a web framework or a spreadsheet library:
functions take values and return values, so every rule can be tested with
inputs written inline and run the same under the CLI, the web app or Spark.
"""

# the scheme file's ``pay:`` section is checked and resolved by pay, through ``core.sections``
from rmperf.core import sections

sections.declare("pay", "rmperf.core.pay.section")
