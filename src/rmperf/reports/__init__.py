"""Reports of a run's results: the XLSX workbook a performance office hands around (考核结果报表).

See ``README.md`` in this folder for the layout of each sheet.
"""

from rmperf.reports.xlsx import DEFAULT_BANDS, escape_text, units_of_scheme, write_results

__all__ = ["DEFAULT_BANDS", "escape_text", "units_of_scheme", "write_results"]
