"""Field types shared by every contract.

Each extract's schema is built from these factories, so a rule such as "a date is
YYYY-MM-DD or D/M/YYYY between 1990-01-01 and the end of the reporting month" is
written once. Every factory returns a pandera ``Column`` over *text* cells (the
readers hand over trimmed strings, blanks as null) whose ``metadata["field"]``
names the type the cell becomes once it passes: ``parse_frame`` uses it, so the
check and the conversion can never disagree.

All functions here are vectorised over a pandas Series: no per-row Python.

Over 300 lines on purpose: every field type (its check, its longest cell, its
conversion) sits together, so a type's rules are read and changed in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc
from pandera import Check

DATE_FLOOR = date(1990, 1, 1)

# [0-9], not \d: \d takes other scripts' digits, which float() would then read.
_ISO_PARTS = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})$"
_UK_PARTS = r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_INTEGER = r"[+-]?[0-9]+"
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}

DATE_HINT = "use YYYY-MM-DD or D/M/YYYY"

TEXT = pd.StringDtype("pyarrow")
"""Cells are Arrow-backed strings, so string checks run in Arrow's C++ kernels."""


def text_of(values: pd.Series) -> pd.Series:
    return values if values.dtype == TEXT else values.astype(TEXT)


# --- parsing: text -> typed values (null where blank or invalid) -------------------


def parse_date(values: pd.Series) -> pd.Series:
    """Dates in ISO or UK day-first form; anything else (or an impossible day) is NaT.

    Runs in Arrow's kernels: the patterns take the form apart, the parts are parsed as
    an ISO date, and a date whose day or month moved in parsing (31/2) did not exist.
    """
    text = pc.utf8_trim_whitespace(pc.cast(text_of(values).array._pa_array, "string"))
    parts = [pc.extract_regex(text, pattern) for pattern in (_ISO_PARTS, _UK_PARTS)]
    year, month, day = (
        pc.coalesce(*(pc.struct_field(found, name) for found in parts)) for name in "ymd"
    )
    iso = pc.binary_join_element_wise(
        year, pc.utf8_lpad(month, 2, "0"), pc.utf8_lpad(day, 2, "0"), "-"
    )
    parsed = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
    exists = pc.and_(
        pc.equal(pc.day(parsed), pc.cast(day, "int64")),
        pc.equal(pc.month(parsed), pc.cast(month, "int64")),
    )
    dates = pc.if_else(exists, parsed, None).to_pandas()
    return pd.Series(dates.to_numpy(), index=values.index, dtype="datetime64[s]")


def parse_number(values: pd.Series) -> pd.Series:
    """Numbers with '.' as the decimal mark; '1,0' and '1e3' are not numbers."""
    text = text_of(values).str.strip()
    valid = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    return pd.to_numeric(text.where(valid), errors="coerce").astype("float64")


def parse_integer(values: pd.Series) -> pd.Series:
    text = text_of(values).str.strip()
    valid = text.str.fullmatch(_INTEGER).fillna(False).astype(bool)
    return pd.to_numeric(text.where(valid), errors="coerce").astype("Int64")


def parse_boolean(values: pd.Series) -> pd.Series:
    text = text_of(values).str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(_TRUE).fillna(False).astype(bool)] = True
    result[text.isin(_FALSE).fillna(False).astype(bool)] = False
    return result


def parse_code(values: pd.Series) -> pd.Series:
    """Codes match case-insensitively with white space trimmed: store them lower-case."""
    return text_of(values).str.strip().str.lower()


def parse_upper_code(values: pd.Series) -> pd.Series:
    """District and indicator codes are upper-case; references match them in any case."""
    return text_of(values).str.strip().str.upper()


def parse_text(values: pd.Series) -> pd.Series:
    return text_of(values).str.strip()


PARSERS = {
    "text": parse_text,
    "id": parse_text,
    "code": parse_code,
    "upper_code": parse_upper_code,
    "date": parse_date,
    "number": parse_number,
    "integer": parse_integer,
    "boolean": parse_boolean,
}

# The DuckDB type each field lands as in the raw schema.
SQL_TYPES = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "code": "VARCHAR",
    "upper_code": "VARCHAR",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


def parse_frame(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Convert every schema column of a validated text frame to its field type."""
    return pd.DataFrame(
        {
            name: PARSERS[column.metadata["field"]](frame[name])
            for name, column in schema.columns.items()
        },
        index=frame.index,
    )


# --- shape: how long a cell of each type can plausibly be -----------------------------

LONGEST = {
    "id": 64,
    "code": 64,
    "upper_code": 64,
    "date": 32,
    "number": 32,
    "integer": 20,
    "boolean": 8,
    "text": 1000,
}
"""The most characters a cell of each type can plausibly hold.

Generous beyond any real value, so no real cell is ever refused, yet short enough
that a cell past it is plainly not a value but a fault (a quote not closed that
swallowed the rows after it, or a pasted document), and its text is then never
repeated anywhere. Ids: a GUID is 36 characters, an NHS number 10. Codes: the
longest listed is 17. Dates: the longest form read, an .xlsx date-time with its
time of day, is 19. Numbers: a double has 17 significant digits. Integers: a
64-bit one has 19 digits and a sign. Booleans: `false` is 5. Text (a referral
source, a district's name): a paragraph, not a file.
"""

LONGEST_FIELD = max(LONGEST.values())

# every character str.splitlines breaks on; any of them would split the cell when shown
_LINE_BREAK = "[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"

LINE_BREAK = re.compile(_LINE_BREAK)

LENGTH = "{length}"
"""Stands in a length error for the cell's length, which the reason states (not its text)."""

LINE_BREAK_ERROR = "holds a line break (check the quotes on this line)"


def length_error(field: str) -> str:
    return f"is {LENGTH} characters long (at most {LONGEST[field]} allowed)"


def is_shape_error(check: object) -> bool:
    """A failed shape check: the cell is not plausible as its type, so its text is withheld."""
    return isinstance(check, str) and (
        check == LINE_BREAK_ERROR or (check.startswith("is {") and LENGTH in check)
    )


def has_line_break(values: pd.Series) -> pd.Series:
    return text_of(values).str.contains(_LINE_BREAK, regex=True).fillna(False).astype(bool)


def fits_shape(values: pd.Series, field: str) -> pd.Series:
    """True where a cell is blank or plausible as ``field``: not over-long and, except
    free text (where RFC 4180 allows a line break), on one line."""
    text = text_of(values)
    fits = ~(text.str.len() > LONGEST[field]).fillna(False).astype(bool)
    return fits if field == "text" else fits & ~has_line_break(text)


def same_shape(values: pd.Series) -> pd.Series:
    """Each cell as ``#``s with its line breaks kept: the same length and shape, no text."""
    return text_of(values).str.replace("[^" + _LINE_BREAK[1:], "#", regex=True)


def shape_checks(field: str) -> list[Check]:
    """Checked before anything else: a cell that fails is judged on its shape alone."""
    limit = LONGEST[field]
    checks = [
        Check(
            lambda s: ~(text_of(s).str.len() > limit).fillna(False).astype(bool),
            error=length_error(field),
        )
    ]
    if field != "text":
        checks.append(Check(lambda s: ~has_line_break(s), error=LINE_BREAK_ERROR))
    return checks


# --- checks: why a cell cannot be parsed ---------------------------------------------


def is_date() -> Check:
    return Check(
        lambda s: parse_date(s).notna(),
        error=f"is not a valid date ({DATE_HINT})",
    )


def date_in_range(latest: date, earliest: date = DATE_FLOOR) -> Check:
    """Every date must lie between ``earliest`` (1990-01-01 unless the field says
    otherwise) and the last day of the reporting month."""
    floor, ceiling = pd.Timestamp(earliest), pd.Timestamp(latest)

    # (not named in_range: pandera dispatches a check by its function's name)
    def within_dates(s: pd.Series) -> pd.Series:
        parsed = parse_date(s)
        return parsed.isna() | parsed.between(floor, ceiling)

    return Check(
        within_dates,
        error=f"is outside the allowed range {earliest.isoformat()} to {latest.isoformat()}",
    )


def is_number() -> Check:
    return Check(
        lambda s: parse_number(s).notna(),
        error="is not a number (use '.' as the decimal mark, e.g. 0.5)",
    )


def is_integer() -> Check:
    return Check(lambda s: parse_integer(s).notna(), error="is not a whole number")


def is_boolean() -> Check:
    return Check(
        lambda s: parse_boolean(s).notna(),
        error="is not a yes/no value (use true/false, yes/no, y/n or 1/0)",
    )


def in_codes(codes: Iterable[str]) -> Check:
    allowed = sorted(codes)
    return Check(
        lambda s: parse_code(s).isin(allowed),
        error=f"is not one of: {', '.join(allowed)}",
    )


def number_bound(*, gt: float | None = None, ge: float | None = None, le: float | None = None):
    """A range on a number, passing cells that are not numbers (is_number reports those)."""
    checks = []
    if gt is not None:
        checks.append(
            Check(lambda s: ~(parse_number(s) <= gt), error=f"must be greater than {gt:g}")
        )
    if ge is not None:
        checks.append(Check(lambda s: ~(parse_number(s) < ge), error=f"must be at least {ge:g}"))
    if le is not None:
        checks.append(Check(lambda s: ~(parse_number(s) > le), error=f"must be at most {le:g}"))
    return checks


def matches(pattern: str, error: str) -> Check:
    return Check(lambda s: text_of(s).str.fullmatch(pattern).fillna(False), error=error)


def in_upper_codes(codes: Iterable[str], error: str) -> Check:
    allowed = set(codes)
    return Check(lambda s: parse_upper_code(s).isin(allowed), error=error)


# --- column factories ------------------------------------------------------------------


def _column(
    field: str, required: bool, checks: list[Check], present: bool = True, shaped: bool = True
) -> pa.Column:
    """A text column: ``required`` = a value is needed; ``present`` = the column must exist;
    ``shaped`` = its cells are checked for their type's length and line breaks first."""
    return pa.Column(
        None,  # text cells of any string dtype; the checks say what they must hold
        nullable=not required,
        required=present or required,
        checks=[*shape_checks(field), *checks] if shaped else checks,
        metadata={"field": field},
    )


def identifier(required: bool = True) -> pa.Column:
    """Ids are text, trimmed, compared case-sensitively (readers turn 12345.0 into 12345).

    An optional id column (allocations' worker_id) may be absent: it then reads as blank.
    """
    return _column("id", required, [], present=required)


def text(required: bool = False) -> pa.Column:
    return _column("text", required, [], present=required)


def code(codes: Iterable[str], required: bool = True) -> pa.Column:
    return _column("code", required, [in_codes(codes)], present=required)


def date_field(latest: date, required: bool = False, earliest: date = DATE_FLOOR) -> pa.Column:
    return _column("date", required, [is_date(), date_in_range(latest, earliest)], present=required)


def number(required: bool = True, **bounds: float) -> pa.Column:
    return _column("number", required, [is_number(), *number_bound(**bounds)], present=required)


def integer(required: bool = True, checks: list[Check] | None = None) -> pa.Column:
    return _column("integer", required, [is_integer(), *(checks or [])], present=required)


def boolean(required: bool = True) -> pa.Column:
    return _column("boolean", required, [is_boolean()], present=required)


def unchecked(field: str, present: bool = True) -> pa.Column:
    """A column whose rules depend on another column: the extract's row checks own them
    (even its shape: allocations' unallocated_since is ignored, malformed or not, when a
    worker is named)."""
    return _column(field, False, [], present=present, shaped=False)


def upper_code(checks: list[Check], required: bool = True) -> pa.Column:
    return _column("upper_code", required, checks, present=required)


def row_rule(column: str, reason: str, passes) -> Check:
    """A rule across columns, reported against ``column`` with ``reason``.

    ``passes(frame) -> bool Series`` must be True for rows that satisfy the rule,
    including rows where the rule does not apply.
    """
    return Check(passes, name=column, error=reason)


def not_before(later: str, earlier: str) -> Check:
    """``later`` may not precede ``earlier`` (rows where either is blank or invalid pass)."""
    return row_rule(
        later,
        f"{later} is before {earlier}",
        lambda frame: ~(parse_date(frame[later]) < parse_date(frame[earlier])),
    )
