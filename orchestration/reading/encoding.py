"""CSV text: UTF-8 or Windows-1252, and the encodings refused with a reason."""

from __future__ import annotations

from orchestration.reading.rejection import FileRejected

_WIDE_BOMS = [  # UTF-32's little-endian BOM begins with UTF-16's: test it first
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
]


def _refuse_wide_text(data: bytes) -> None:
    """UTF-16 and UTF-32 ("Unicode text" in Excel) would read as Windows-1252 noise and
    then lack every column: name the encoding instead, so the district can resave it."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise FileRejected(f"the file is {encoding} text; save it as CSV UTF-8")
    if b"\x00" not in data:
        return
    sample = data[:4096]
    # mostly-ASCII UTF-16 has a NUL in every other byte
    if max(sample[0::2].count(0), sample[1::2].count(0)) * 4 >= len(sample):
        raise FileRejected("the file is UTF-16 text; save it as CSV UTF-8")
    raise FileRejected(
        f"the file holds a NUL byte (at position {data.index(0)}), so it is not CSV text; "
        "save it as CSV UTF-8"
    )


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1252 as saved by Excel."""
    _refuse_wide_text(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "the file is neither UTF-8 nor Windows-1252 text "
            f"(undecodable byte at position {exc.start})"
        ) from None
