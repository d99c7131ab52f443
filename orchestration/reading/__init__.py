"""Reading one landed file into a table of text cells, as extracts.md describes.

This package is the only place that knows about encodings, CSV quoting, workbooks and
header spelling. It hands the contracts a frame of trimmed text cells (blank = null)
indexed by the physical line (or sheet row) each record starts on, so a district
officer can find every rejected row. What cannot be read at all raises
``FileRejected`` with one reason for the audit.

A file goes: opening (its bytes, no link followed) -> limits (what it may cost) ->
encoding (CSV text) -> csv_records or workbook (its rows) -> parsed (header and body)
-> cells (text cells, many files at once).
"""
