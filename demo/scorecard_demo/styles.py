"""Each district's house style: what its case system's export looks like.

All of this is valid per extracts.md and exists to exercise the reader: a
Windows-1252 file saved from Excel, a UTF-8 BOM, CRLF, UK dates, odd header
spellings, extra columns, workbooks with real dates and numeric ids, a folder
name in lower case. Styles are fixed per district (as real systems are), not
random, so a test can rely on them.
"""

from __future__ import annotations

from datetime import date, timedelta

from .workforce import Snapshot
from .write import FileStyle, Raw

_PLAIN = FileStyle()


def style_for(code: str, extract: str, month: str) -> FileStyle:
    """The style of ``code``'s ``extract`` file for ``month`` (plain CSV if unknown).

    ``code`` names a house style by the Kent district that exports that way (a made-up
    district has its model's: ``DistrictProfile.house_style``)."""
    if code == "CAN":
        encoding = "cp1252" if extract in ("referrals", "looked_after") else "utf-8"
        return FileStyle(encoding=encoding, newline="\r\n", date_style="uk", header_style="title")
    if code == "DAR":
        return FileStyle(encoding="utf-8-sig", newline="\r\n")
    if code == "DOV":
        if extract in ("workforce", "establishment"):
            return FileStyle(file_format="xlsx", booleans=("Y", "N"))
        return _PLAIN
    if code == "GRA":
        extra = {"referrals": "locality", "workforce": "grade"}.get(extract)
        return FileStyle(date_style="uk_padded", extra_column=extra)
    if code == "MAI":
        encoding = "cp1252" if extract == "looked_after" else "utf-8"
        return FileStyle(encoding=encoding, header_style="sentence")
    if code == "SEV":
        return FileStyle(booleans=("Y", "N"))
    if code == "SHE":
        # Shepway moved to a new system in January 2011 that exports workbooks.
        if extract in ("referrals", "initial_assessments") and month >= "2011-01":
            return FileStyle(file_format="xlsx")
        return _PLAIN
    if code == "SWA":
        extra = "locality" if extract == "allocations" else None
        return FileStyle(header_style="upper_hyphen", extra_column=extra)
    if code == "THA":
        return FileStyle(
            encoding="utf-8-sig", newline="\r\n", date_style="uk", header_style="title"
        )
    if code == "TON":
        return FileStyle(booleans=("yes", "no"), leading_dot=True)
    if code == "TUN":
        extra = "next_review_date" if extract == "cp_plans" else None
        return FileStyle(extra_column=extra)
    return _PLAIN


def folder_name(code: str, house_style: str, month: str) -> str:
    """Shepway's August 2011 submission was saved into a lower-case folder."""
    if house_style == "SHE" and month == "2011-08":
        return code.lower()
    return code


def allocated_since_placeholder(code: str) -> str | None:
    """Dartford's system writes N/A in unallocated_since for allocated cases.

    extracts.md says unallocated_since is ignored, even if malformed, when a
    worker is given, so these rows are valid.
    """
    return "N/A" if code == "DAR" else None


LOCALITIES = {
    "GRA": ("Gravesend", "Northfleet", "Rural Gravesham"),
    "SWA": ("Sittingbourne", "Faversham", "Sheppey"),
}


def apply_house_style(
    house_style: str,
    extract: str,
    style: FileStyle,
    columns: list[str],
    rows: list[list[object]],
    snapshot: Snapshot,
    end: date,
) -> None:
    """Valid quirks of a district's export: placeholders and extra columns."""
    placeholder = allocated_since_placeholder(house_style)
    if placeholder and extract == "allocations":
        for row in rows:
            if row[3] is not None:
                row[4] = Raw(placeholder)
    extra = style.extra_column
    if extra is None:
        return
    columns.append(extra)
    if extra == "locality":
        places = LOCALITIES.get(house_style, ("Central", "North", "South"))
        for row in rows:
            digits = "".join(ch for ch in str(row[0]) if ch.isdigit()) or "0"
            row.append(places[int(digits) % len(places)])
    elif extra == "grade":
        grades = {w.worker_id: w.grade for w in snapshot.workforce}
        for row in rows:
            row.append(grades.get(str(row[0])))
    elif extra == "next_review_date":  # a future date: extra columns are never checked
        for row in rows:
            start, ended = row[2], row[3]
            review = None
            if ended is None and isinstance(start, date):
                review = start
                while review <= end:
                    review += timedelta(days=91)
            row.append(review)
    else:
        for row in rows:
            row.append(None)
