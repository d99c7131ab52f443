"""What one landed file may cost before it is rejected whole (settings.Limits), checked
before the costly part of reading it, with a reason that names the setting to change."""

from __future__ import annotations

import io
import zipfile

import numpy as np

from orchestration.reading.rejection import FileRejected
from orchestration.settings import Limits

_MB = 1024 * 1024


def _megabytes(size: float) -> str:
    """1.2, 326.4; a size under a tenth of a MB keeps three digits, to differ from its limit."""
    return f"{size:,.1f}" if size >= 0.1 else f"{size:.3g}"


def _limit(megabytes: float) -> str:
    return f"{megabytes:,g}"


def check_file_size(size: int, limits: Limits) -> None:
    """A file past the size limit is rejected before it is read (loading checks it on disk)."""
    if size > limits.max_file_bytes:
        raise FileRejected(
            f"the file is {_megabytes(size / _MB)} MB, more than the "
            f"{_limit(limits.max_file_mb)} MB a file may be (SCORECARD_MAX_FILE_MB)"
        )


def check_csv_length(data: bytes, limits: Limits) -> None:
    """The row limit counts a CSV's lines as an editor does, header and blank lines too.

    Counted on the bytes, before parsing: 20 MB of bare commas is 10 million rows and
    would take 2 GB to parse. A line ends at LF, CRLF or CR, so there are at least as
    many lines as there are of either.
    """
    ends = max(data.count(b"\n"), data.count(b"\r"))
    if ends + (not data.endswith((b"\n", b"\r"))) > limits.max_rows:
        raise _too_many_lines(limits)


def _too_many_lines(limits: Limits) -> FileRejected:
    return FileRejected(
        f"the file has more than {limits.max_rows:,} lines, the most a file may have "
        "(SCORECARD_MAX_ROWS)"
    )


def check_csv_shape(lines: list[int], records: list[list[str]], limits: Limits) -> None:
    """The row and column limits, before the rows become a frame as wide as the widest."""
    if records and lines[-1] > limits.max_rows:  # line ends mixed past the count's reach
        raise _too_many_lines(limits)
    counts = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    if len(counts) and counts.max() > limits.max_columns:
        widest = int(counts.argmax())
        raise FileRejected(
            f"line {lines[widest]} has {counts[widest]:,} fields, more than the "
            f"{limits.max_columns:,} columns a file may have (SCORECARD_MAX_COLUMNS)"
        )


def check_unpacked_size(data: bytes, limits: Limits) -> None:
    """A workbook is a zip: one of 1 MB can unpack to hundreds, so its parts' sizes are
    checked before any is unpacked (Python's zipfile never unpacks past a stated size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except Exception as exc:  # zipfile raises several types for a corrupt archive
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    if unpacked > limits.max_workbook_bytes:
        raise FileRejected(
            f"the workbook unpacks to {_megabytes(unpacked / _MB)} MB, more than the "
            f"{_limit(limits.max_workbook_mb)} MB a workbook may unpack to "
            "(SCORECARD_MAX_WORKBOOK_MB)"
        )
