"""Reading a landed file (extracts.md, "File format"): encodings, line ends, RFC 4180
quoting, line numbers, headers, and .xlsx workbooks built here with openpyxl."""

from __future__ import annotations

import io
import re
import signal
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, time

import pandas as pd
import pytest
from openpyxl import Workbook

from contracts.base import MissingColumns, validate
from contracts.registry import DISTRICT_EXTRACTS
from orchestration.reading.cells import read_table
from orchestration.reading.rejection import FileRejected

REFERRALS = DISTRICT_EXTRACTS["referrals"]
APRIL_2011 = {"month_end": date(2011, 4, 30)}


def cells(table) -> dict[int, dict]:
    """Line number -> {column: text or None}."""
    return table.cells.to_dict(orient="index")


def judge(table):
    return validate(table.cells, REFERRALS, REFERRALS.schema(**APRIL_2011))


# --- encodings -------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
def test_utf8_with_or_without_bom(bom):
    table = read_table("referrals.csv", bom + "child_id,name\nC1,Zoë Ñandú ★\n".encode())
    # the BOM is not part of the first header name
    assert cells(table) == {2: {"child_id": "C1", "name": "Zoë Ñandú ★"}}


def test_windows_1252_is_read_with_its_characters_intact():
    data = "child_id,name\nC1,Café – £5 ‘quoted’\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    assert cells(read_table("referrals.csv", data)) == {
        2: {"child_id": "C1", "name": "Café – £5 ‘quoted’"}
    }


def test_a_file_neither_utf8_nor_windows_1252_is_rejected_whole():
    # 0x81 is not valid UTF-8 on its own, and has no character in Windows-1252
    with pytest.raises(FileRejected, match="neither UTF-8 nor Windows-1252"):
        read_table("referrals.csv", b"child_id,name\nC1,\x81\n")


def test_a_zero_byte_file_is_rejected_whole():
    with pytest.raises(FileRejected, match=r"the file is empty \(0 bytes\)"):
        read_table("referrals.csv", b"")


def test_a_file_of_blank_lines_has_no_header_and_is_rejected_whole():
    with pytest.raises(FileRejected, match="no header row"):
        read_table("referrals.csv", b"\r\n  \r\n")


# --- lines, quoting and line numbers ---------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_lf_and_crlf_line_ends(newline):
    text = newline.join(["a,b", "1,2", "3,4", ""])
    table = read_table("x.csv", text.encode())
    assert cells(table) == {2: {"a": "1", "b": "2"}, 3: {"a": "3", "b": "4"}}
    assert table.rows_read == 2


def test_a_last_line_without_a_line_end_is_read():
    assert cells(read_table("x.csv", b"a,b\r\n1,2")) == {2: {"a": "1", "b": "2"}}


def test_rfc4180_quoting_commas_doubled_quotes_and_padding():
    text = 'a,b,c\r\n"x, y","say ""hi"""," padded "\r\n'
    assert cells(read_table("x.csv", text.encode())) == {
        2: {"a": "x, y", "b": 'say "hi"', "c": "padded"}
    }


def test_a_quoted_field_spanning_lines_keeps_later_line_numbers_physical():
    # line 1 header; the record on line 2 spans lines 2-4; the next starts on line 5
    text = 'a,b\r\nR1,"first\r\nsecond\r\nthird"\r\nR2,x\r\n'
    table = read_table("x.csv", text.encode())
    assert cells(table) == {
        2: {"a": "R1", "b": "first\r\nsecond\r\nthird"},
        5: {"a": "R2", "b": "x"},
    }


def test_empty_and_white_space_only_lines_are_skipped_but_counted():
    # lines 3 (empty) and 4 (spaces and a tab) are skipped; line numbers stay physical
    text = "a,b\n1,2\n\n   \t\n3,4\n\n"
    table = read_table("x.csv", text.encode())
    assert cells(table) == {2: {"a": "1", "b": "2"}, 5: {"a": "3", "b": "4"}}
    assert table.rows_read == 2


def test_a_line_of_bare_commas_is_a_row_of_blank_cells():
    table = read_table("x.csv", b"a,b,c\n,,\n")
    assert cells(table) == {2: {"a": None, "b": None, "c": None}}
    assert table.rows_read == 1


def test_a_line_of_bare_commas_is_judged_as_a_row():
    validated = judge(read_table("referrals.csv", b"referral_id,child_id,referral_date\n,,\n"))
    assert validated.rejected.to_dict(orient="records") == [
        {
            "line_number": 2,
            "column_name": "referral_id, child_id, referral_date",
            "reason": "referral_id is required but blank; child_id is required but blank; "
            "referral_date is required but blank",
        }
    ]


def test_rows_with_another_number_of_fields_than_the_header_are_ragged():
    # line 3 has 2 fields, line 4 has 4: both are row errors; lines 2 and 5 read
    text = "a,b,c\n1,2,3\n1,2\n1,2,3,4\n7,8,9\n"
    table = read_table("x.csv", text.encode())
    assert list(table.cells.index) == [2, 5]
    assert table.ragged.to_dict(orient="records") == [
        {"line_number": 3, "field_count": 2, "header_count": 3},
        {"line_number": 4, "field_count": 4, "header_count": 3},
    ]
    assert table.rows_read == 4  # every row read is either in cells or ragged


def test_cells_are_trimmed_and_blank_cells_are_null():
    table = read_table("x.csv", b"a,b,c\n  x  ,   ,\n")
    assert cells(table) == {2: {"a": "x", "b": None, "c": None}}


# --- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "referral_id,child_id,referral_date",
        "Referral ID,Child ID,Referral Date",
        "REFERRAL-ID,child-id,Referral-Date",
        "  referral_id , CHILD_ID ,\treferral date ",
    ],
)
def test_headers_match_ignoring_case_white_space_spaces_and_hyphens(header):
    table = read_table("referrals.csv", f"{header}\nR1,C1,2011-04-05\n".encode())
    validated = judge(table)
    assert validated.rejected.empty
    assert validated.records.loc[2, "referral_date"] == pd.Timestamp(2011, 4, 5)


@pytest.mark.parametrize(
    "header", ["child_id,Child ID", "referral_date,Referral-Date", "a,A", "b,b"]
)
def test_a_header_naming_one_column_twice_after_normalisation_rejects_the_file(header):
    with pytest.raises(FileRejected, match="more than once"):
        read_table("referrals.csv", f"{header}\n1,2\n".encode())


def test_extra_columns_are_ignored():
    table = read_table(
        "referrals.csv",
        b"notes,referral_id,child_id,referral_date,,social_worker\nhi,R1,C1,2011-04-05,,Ann\n",
    )
    validated = judge(table)
    assert validated.rejected.empty
    assert set(validated.records.columns) == {
        "referral_id",
        "child_id",
        "referral_date",
        "referral_source",
        "date_of_birth",
    }


def test_a_missing_optional_column_reads_as_all_blank():
    validated = judge(
        read_table("referrals.csv", b"referral_id,child_id,referral_date\nR1,C1,1/4/2011\n")
    )
    assert validated.rejected.empty
    assert validated.records.loc[2, ["referral_source", "date_of_birth"]].isna().all()


def test_a_missing_required_column_rejects_the_whole_file():
    table = read_table("referrals.csv", b"referral_id,referral_date\nR1,2011-04-05\n")
    with pytest.raises(MissingColumns, match="required column\\(s\\) missing: child_id"):
        judge(table)


# --- .xlsx workbooks -------------------------------------------------------------------


def workbook(*rows, second_sheet_rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    if second_sheet_rows:
        other = book.create_sheet("Notes")
        for row in second_sheet_rows:
            other.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REFERRAL_COLUMNS = ("Referral ID", "Child ID", "Referral Date", "Date of Birth")


def test_xlsx_native_dates_and_text_dates_both_read():
    data = workbook(
        REFERRAL_COLUMNS,
        ("R1", "C1", datetime(2011, 4, 5), date(2003, 7, 1)),
        ("R2", "C2", "5/4/2011", None),
    )
    validated = judge(read_table("referrals.xlsx", data))
    assert validated.rejected.empty
    assert validated.records.loc[2, "referral_date"] == pd.Timestamp(2011, 4, 5)
    assert validated.records.loc[2, "date_of_birth"] == pd.Timestamp(2003, 7, 1)
    assert validated.records.loc[3, "referral_date"] == pd.Timestamp(2011, 4, 5)


def test_xlsx_date_time_with_a_time_of_day_is_a_row_error():
    data = workbook(REFERRAL_COLUMNS, ("R1", "C1", datetime(2011, 4, 5, 10, 30), None))
    validated = judge(read_table("referrals.xlsx", data))
    assert validated.records.empty
    assert validated.rejected.to_dict(orient="records") == [
        {
            "line_number": 2,
            "column_name": "referral_date",
            "reason": "referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): "
            "'2011-04-05 10:30:00'",
        }
    ]


def test_xlsx_midnight_date_time_is_a_date():
    data = workbook(
        REFERRAL_COLUMNS, ("R1", "C1", datetime.combine(date(2011, 4, 5), time(0)), None)
    )
    assert cells(read_table("referrals.xlsx", data))[2]["referral_date"] == "2011-04-05"


def test_xlsx_whole_numbers_stored_as_numbers_are_read_as_their_digits():
    data = workbook(
        ("referral_id", "child_id", "fte", "flag"),
        (12345.0, 678, 0.5, True),
        (1e-05, 2.25, 1.0, False),
    )
    assert cells(read_table("x.xlsx", data)) == {
        2: {"referral_id": "12345", "child_id": "678", "fte": "0.5", "flag": "true"},
        3: {"referral_id": "0.00001", "child_id": "2.25", "fte": "1", "flag": "false"},
    }


def test_xlsx_line_numbers_are_sheet_rows_with_empty_rows_skipped():
    # sheet rows 3 and 4 are empty; the second record is on row 5
    data = workbook(
        ("a", "b"),
        ("1", "2"),
        (None, None),
        ("   ", None),
        ("3", "4"),
        second_sheet_rows=[("a", "b"), ("9", "9")],
    )
    table = read_table("x.xlsx", data)
    assert cells(table) == {2: {"a": "1", "b": "2"}, 5: {"a": "3", "b": "4"}}
    assert table.rows_read == 2  # the second sheet is not read


def test_xlsx_short_rows_are_padded_and_long_rows_are_ragged():
    data = workbook(("a", "b", "c"), ("1",), ("1", "2", "3", "4"))
    table = read_table("x.xlsx", data)
    assert cells(table) == {2: {"a": "1", "b": None, "c": None}}
    assert table.ragged.to_dict(orient="records") == [
        {"line_number": 3, "field_count": 4, "header_count": 3}
    ]


def test_xlsx_duplicate_header_rejects_the_file():
    with pytest.raises(FileRejected, match="more than once"):
        read_table("x.xlsx", workbook(("Child ID", "child_id"), ("1", "2")))


@pytest.mark.parametrize(
    "data",
    [
        b"referral_id,child_id\nR1,C1\n",  # CSV text saved as .xlsx
        b"PK\x03\x04 truncated",
        b"\x00" * 64,
    ],
    ids=["csv text", "truncated zip", "zeros"],
)
def test_an_unreadable_workbook_is_rejected_whole(data):
    with pytest.raises(FileRejected, match="the workbook cannot be read"):
        read_table("referrals.xlsx", data)


def test_a_zip_that_is_not_a_workbook_is_rejected_whole():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(FileRejected, match="the workbook cannot be read"):
        read_table("referrals.xlsx", buffer.getvalue())


def test_a_truncated_real_workbook_is_rejected_whole():
    data = workbook(("a", "b"), ("1", "2"))
    with pytest.raises(FileRejected, match="the workbook cannot be read"):
        read_table("referrals.xlsx", data[: len(data) // 2])


def test_an_xlsx_name_matches_case_insensitively():
    assert cells(read_table("REFERRALS.XLSX", workbook(("a", "b"), ("1", "2")))) == {
        2: {"a": "1", "b": "2"}
    }


# --- hostile input: quotes that never close, huge fields, UTF-16, odd white space ------

UNCLOSED = (
    "referral_id,child_id,referral_date\n"
    "R1,C1,2011-04-01\n"
    'R2,"C2,2011-04-02\n'  # line 3: the quote is never closed
    "R3,C3,2011-04-03\n"
    "R4,C4,2011-04-04\n"
)


def test_an_unclosed_quote_is_a_row_error_and_the_lines_after_it_are_read_as_rows():
    table = read_table("referrals.csv", UNCLOSED.encode())
    assert list(table.cells.index) == [2, 4, 5]
    assert cells(table)[4] == {"referral_id": "R3", "child_id": "C3", "referral_date": "2011-04-03"}
    assert table.broken.to_dict(orient="records") == [
        {"line_number": 3, "last_line": 5, "field_count": 2, "column_name": "child_id"}
    ]
    assert table.rows_read == 4  # every data line of the file


def test_a_stray_quote_closed_by_a_later_rows_quote_loses_no_row():
    # line 3's quote runs on until line 5's opening quote closes it
    text = (
        "referral_id,child_id,referral_date\n"
        'R1,"C1,2011-04-01\n'
        "R2,C2,2011-04-02\n"
        'R3,"C3",2011-04-03\n'
    )
    table = read_table("referrals.csv", text.encode())
    assert cells(table) == {
        3: {"referral_id": "R2", "child_id": "C2", "referral_date": "2011-04-02"},
        4: {"referral_id": "R3", "child_id": "C3", "referral_date": "2011-04-03"},
    }
    assert table.broken["line_number"].tolist() == [2]
    assert table.rows_read == 3


def test_an_unclosed_quote_swallowing_rows_of_the_right_width_is_still_broken():
    # the swallowed field gives the record the header's width, yet rows sit inside it
    text = 'a,b,c\n1,"x\n2,y,z\n3,y,z\n4,y",z\n5,y,z\n'
    table = read_table("x.csv", text.encode())
    assert list(table.cells.index) == [3, 4, 5, 6]
    assert table.broken["line_number"].tolist() == [2]
    assert table.rows_read == 5


def test_stray_quotes_on_consecutive_lines_are_each_a_row_error():
    # line 2's quote is closed by line 3's; line 3's, read afresh, by line 4's stray one
    text = 'a,b,c\n1,"x,y\n2,"y,z\n3,y",z\n4,y,z\n'
    table = read_table("x.csv", text.encode())
    assert table.broken[["line_number", "last_line"]].to_dict(orient="records") == [
        {"line_number": 2, "last_line": 3},
        {"line_number": 3, "last_line": 4},
    ]
    assert cells(table) == {
        4: {"a": "3", "b": 'y"', "c": "z"},
        5: {"a": "4", "b": "y", "c": "z"},
    }
    assert table.rows_read == 4


def test_a_quoted_field_spanning_lines_within_a_row_is_not_broken():
    text = 'a,b,c\r\nR1,"first, line\r\nsecond",x\r\nR2,y,z\r\n'
    table = read_table("x.csv", text.encode())
    assert cells(table)[2] == {"a": "R1", "b": "first, line\r\nsecond", "c": "x"}
    assert table.broken.empty
    assert table.rows_read == 2


def test_a_multi_line_field_longer_than_any_field_can_be_is_broken():
    text = 'a,b\n1,"' + "x" * 1200 + '\nend"\n2,y\n'
    table = read_table("x.csv", text.encode())
    assert table.broken.to_dict(orient="records") == [
        {"line_number": 2, "last_line": 3, "field_count": 2, "column_name": "b"}
    ]
    assert list(table.cells.index) == [4]
    # line 3, 'end"' on its own, is a row of 1 field
    assert table.ragged.to_dict(orient="records") == [
        {"line_number": 3, "field_count": 1, "header_count": 2}
    ]
    assert table.rows_read == 3


def test_a_header_with_a_quote_never_closed_rejects_the_file_naming_the_line():
    with pytest.raises(
        FileRejected, match="the header row cannot be read: a quote on line 1 is not closed"
    ):
        read_table("referrals.csv", b'"referral_id,child_id\nR1,C1\nR2,C2\n')


def test_a_field_longer_than_the_csv_modules_limit_is_read_as_a_cell():
    huge = "x" * 200_000
    table = read_table("x.csv", f"a,b\n1,{huge}\n2,y\n".encode())
    assert cells(table)[2]["b"] == huge
    assert table.rows_read == 2


@pytest.mark.parametrize(
    "data",
    [
        "referral_id,child_id\nR1,C1\n".encode("utf-16"),  # with its BOM
        "referral_id,child_id\nR1,C1\n".encode("utf-16-le"),
        "referral_id,child_id\nR1,C1\n".encode("utf-16-be"),
    ],
    ids=["BOM", "LE no BOM", "BE no BOM"],
)
def test_a_utf16_file_is_rejected_whole_naming_its_encoding(data):
    with pytest.raises(FileRejected, match="the file is UTF-16 text; save it as CSV UTF-8"):
        read_table("referrals.csv", data)


def test_a_utf32_file_is_rejected_whole_naming_its_encoding():
    with pytest.raises(FileRejected, match="the file is UTF-32 text; save it as CSV UTF-8"):
        read_table("referrals.csv", "referral_id,child_id\nR1,C1\n".encode("utf-32"))


def test_a_text_file_with_nul_bytes_is_rejected_whole():
    with pytest.raises(FileRejected, match="NUL"):
        read_table("referrals.csv", b"referral_id,child_id\nR1,C\x001\n")


@pytest.mark.parametrize(
    "header",
    [
        "Referral\u00a0ID,Child\u00a0ID,Referral\u00a0Date",
        "referral\tid,child\u2003id,\u00a0referral\u202fdate\u00a0",
        '"Referral\nID","Child\r\nID",Referral Date',  # wrapped header cells saved by Excel
    ],
    ids=["non-breaking spaces", "tabs and other spaces", "line breaks"],
)
def test_headers_treat_every_unicode_white_space_alike(header):
    validated = judge(read_table("referrals.csv", f"{header}\nR1,C1,2011-04-05\n".encode()))
    assert validated.rejected.empty
    assert list(validated.records.index) == [2 + header.count("\n")]


# --- hostile input: limits, far cells, zip bombs and formulas --------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def text_cell(reference: str | None, value: str) -> str:
    """A text cell as a sheet's XML holds it; a writer may leave out where it is."""
    where = f' r="{reference}"' if reference else ""
    return f'<c{where} t="inlineStr"><is><t>{value}</t></is></c>'


def with_sheet_xml(
    sheet_data: str, dimension: str = "", compress: bool = True, doctype: str = ""
) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``sheet_data``, as a
    hostile or unusual writer could make it (openpyxl never writes these itself)."""
    source = zipfile.ZipFile(io.BytesIO(workbook(("a",))))
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                archive.writestr(
                    item.filename,
                    f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{SHEET_NS}">'
                    f"{dimension}<sheetData>{sheet_data}</sheetData></worksheet>",
                )
            else:
                archive.writestr(item, source.read(item.filename))
    return buffer.getvalue()


@contextmanager
def deadline(seconds: int):
    """Fail a read that walks empty space instead of finishing at once."""

    def expire(signal_number, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


HEADER_ROW = f'<row r="1">{text_cell("A1", "a")}{text_cell("B1", "b")}</row>'
FIRST_ROW = f'<row r="2">{text_cell("A2", "1")}{text_cell("B2", "2")}</row>'


def test_xlsx_a_dimension_claiming_the_whole_sheet_is_ignored_and_empty_rows_not_walked():
    # the dimension claims 1,048,576 rows x 16,384 columns; the sheet holds 3 rows of 2
    # cells, the last on row 1,000,000 (the row limit): read as they are, at once
    data = with_sheet_xml(
        HEADER_ROW + FIRST_ROW + f'<row r="1000000">{text_cell("B1000000", "x")}</row>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    with deadline(10):
        table = read_table("x.xlsx", data)
    assert cells(table) == {2: {"a": "1", "b": "2"}, 1000000: {"a": None, "b": "x"}}


def test_xlsx_one_far_cell_past_the_row_limit_rejects_the_file_at_once():
    data = with_sheet_xml(
        HEADER_ROW + FIRST_ROW + f'<row r="1048576">{text_cell("B1048576", "x")}</row>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    with deadline(10), pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert str(rejection.value) == (
        "row 1,048,576 of the sheet holds data, past the 1,000,000 rows a file may have "
        "(SCORECARD_MAX_ROWS)"
    )


def test_xlsx_a_cell_with_data_past_the_column_limit_rejects_the_file():
    # one far cell, XFD3, on a sheet whose dimension claims the whole sheet
    data = with_sheet_xml(
        HEADER_ROW + FIRST_ROW + f'<row r="3">{text_cell("XFD3", "x")}</row>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    with deadline(10), pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert str(rejection.value) == (
        "cell XFD3 holds data in column 16384, past the 200 columns a file may have "
        "(SCORECARD_MAX_COLUMNS)"
    )


def test_xlsx_empty_cells_far_out_are_not_data_and_do_not_count_against_the_limits():
    # Excel writes a formatted but empty cell as <c r="XFD2" s="1"/>
    data = with_sheet_xml(
        HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c><c r="XFD2" s="1"/>'
        f'{text_cell("XFC2", "  ")}</row><row r="1048576" ht="30" customHeight="1"/>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    with deadline(10):
        table = read_table("x.xlsx", data)
    assert cells(table) == {2: {"a": "1", "b": None}}
    assert table.ragged.empty


@pytest.mark.parametrize("row_number", ["1048577", "99999999999"])
def test_xlsx_a_row_number_past_excels_last_row_is_an_unreadable_workbook(row_number):
    data = with_sheet_xml(HEADER_ROW + f'<row r="{row_number}">{text_cell(None, "x")}</row>')
    with deadline(10), pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert str(rejection.value) == (
        f"the workbook cannot be read (its sheet has a row numbered {row_number}, "
        "past Excel's last row, 1048576)"
    )


def test_xlsx_rows_out_of_order_are_an_unreadable_workbook_not_silently_dropped():
    data = with_sheet_xml(HEADER_ROW + FIRST_ROW.replace('r="2"', 'r="3"') + FIRST_ROW)
    with pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert str(rejection.value) == ("the workbook cannot be read (its sheet has row 2 after row 3)")


def test_a_workbook_that_unpacks_past_the_limit_is_rejected_before_it_is_parsed(monkeypatch):
    # 25,000 rows of 87 bytes unpack to about 2.1 MB; deflated they take a few KB
    row = f"<row>{text_cell(None, 'R1')}{text_cell(None, 'C1')}</row>"
    data = with_sheet_xml(HEADER_ROW + row * 25_000)
    assert len(data) < 30_000
    monkeypatch.setenv("SCORECARD_MAX_WORKBOOK_MB", "1")
    with pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert re.fullmatch(
        r"the workbook unpacks to 2\.\d MB, more than the 1 MB a workbook may unpack to "
        r"\(SCORECARD_MAX_WORKBOOK_MB\)",
        str(rejection.value),
    )


def test_an_xml_entity_bomb_in_a_sheet_is_an_unreadable_workbook():
    # "billion laughs": 10 levels of 10 entities, 3 GB of text from a 1 KB sheet
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{level} "{f"&l{level - 1};" * 10}">' for level in range(1, 10)
    )
    data = with_sheet_xml(
        HEADER_ROW + f'<row r="2">{text_cell("A2", "&l9;")}</row>',
        doctype=f"<!DOCTYPE worksheet [{entities}]>",
    )
    with deadline(10), pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", data)
    assert str(rejection.value) == "the workbook cannot be read (ParseError)"
    # the same sheet with one level of entities is read: the bomb, not the DTD, is refused
    small = with_sheet_xml(
        HEADER_ROW + f'<row r="2">{text_cell("A2", "&l1;")}</row>',
        doctype=f"<!DOCTYPE worksheet [{entities}]>",
    )
    assert cells(read_table("x.xlsx", small)) == {2: {"a": "lol" * 10, "b": None}}


@pytest.mark.parametrize("name", ["x.csv", "x.xlsx"])
def test_a_file_past_the_size_limit_is_rejected_whole(monkeypatch, name):
    # 0.01 MB is 10,485 bytes; the file is 20,000 bytes (0.0191 MB) of text, or about
    # that of a workbook stored without compression
    data = b"a,b\n" + b"1,2\n" * 4999
    if name.endswith(".xlsx"):
        row = f"<row>{text_cell(None, '1')}{text_cell(None, '2')}</row>"
        data = with_sheet_xml(HEADER_ROW + row * 180, compress=False)
    assert 19_000 < len(data) < 21_000
    monkeypatch.setenv("SCORECARD_MAX_FILE_MB", "0.01")
    with pytest.raises(FileRejected) as rejection:
        read_table(name, data)
    assert re.fullmatch(
        r"the file is 0\.0(18|19|20)\d MB, more than the 0\.01 MB a file may be "
        r"\(SCORECARD_MAX_FILE_MB\)",
        str(rejection.value),
    )


def test_a_csv_with_more_lines_than_the_row_limit_is_rejected_whole(monkeypatch):
    # lines as an editor counts them: the header and blank lines too
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "3")
    assert list(read_table("x.csv", b"a,b\r\n1,2\r\n3,4").cells.index) == [2, 3]
    for data in (b"a,b\n1,2\n3,4\n5,6\n", b"a,b\n1,2\n\n3,4\n", b"a,b\r1,2\r3,4\r5,6"):
        with pytest.raises(FileRejected) as rejection:
            read_table("x.csv", data)
        assert str(rejection.value) == (
            "the file has more than 3 lines, the most a file may have (SCORECARD_MAX_ROWS)"
        )


def test_a_csv_whose_mixed_line_ends_pass_the_row_limit_is_rejected_whole(monkeypatch):
    # 2 LFs and 2 CRs, but 5 lines: LF then CR is two line ends; the last row is on line 5
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "4")
    with pytest.raises(FileRejected, match="more than 4 lines"):
        read_table("x.csv", b"a\n1\n\r2\r3")


def test_an_xlsx_with_data_past_the_row_limit_is_rejected_whole(monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "3")
    # sheet rows 1-3 hold data; rows past them may exist if they are empty
    fits = with_sheet_xml(
        HEADER_ROW + FIRST_ROW + f'<row r="3">{text_cell("A3", "3")}</row>'
        '<row r="4"><c r="A4" s="1"/></row><row r="9" ht="30" customHeight="1"/>'
    )
    assert list(read_table("x.xlsx", fits).cells.index) == [2, 3]
    with pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", workbook(("a", "b"), ("1", "2"), (), ("3", "4")))
    assert str(rejection.value) == (
        "row 4 of the sheet holds data, past the 3 rows a file may have (SCORECARD_MAX_ROWS)"
    )


def test_a_csv_line_with_more_fields_than_the_column_limit_rejects_the_file(monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_COLUMNS", "3")
    assert cells(read_table("x.csv", b"a,b,c\n1,2,3\n")) == {2: {"a": "1", "b": "2", "c": "3"}}
    with pytest.raises(FileRejected) as rejection:
        read_table("x.csv", b"a,b,c\n1,2,3\n1,2,3,,,,\n")
    assert str(rejection.value) == (
        "line 3 has 7 fields, more than the 3 columns a file may have (SCORECARD_MAX_COLUMNS)"
    )


def test_an_xlsx_cell_past_the_column_limit_rejects_the_file(monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_COLUMNS", "3")
    with pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", workbook(("a", "b", "c"), ("1", "2", "3", "4")))
    assert str(rejection.value) == (
        "cell D2 holds data in column 4, past the 3 columns a file may have (SCORECARD_MAX_COLUMNS)"
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCORECARD_MAX_ROWS", "many"),
        ("SCORECARD_MAX_COLUMNS", "0"),
        ("SCORECARD_MAX_FILE_MB", "-1"),
        ("SCORECARD_MAX_WORKBOOK_MB", "inf"),
    ],
)
def test_a_limit_that_is_not_a_positive_number_stops_with_a_clear_message(
    monkeypatch, variable, value
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable} must be a positive number, not '{value}'"):
        read_table("x.csv", b"a\n1\n")


# formulas: a workbook keeps each formula's last value beside it, unless its writer
# never calculated it (openpyxl, scripts): then the value cannot be known here


def test_xlsx_a_formula_with_no_saved_value_is_a_row_error_not_a_blank():
    # openpyxl writes =1+1 as <f>1+1</f><v/>: the formula, no value
    data = workbook(("a", "b", "c"), ("1", "=1+1", "x"), ("2", "3", "y"))
    table = read_table("x.xlsx", data)
    assert cells(table) == {3: {"a": "2", "b": "3", "c": "y"}}
    assert table.problems.to_dict(orient="records") == [
        {
            "line_number": 2,
            "column_name": "b",
            "reason": "b holds a formula with no saved value: open the workbook in Excel "
            "and save it so the values are stored",
            "field_count": 3,
        }
    ]
    assert table.rows_read == 2  # every row read is in cells, ragged or problems


def test_xlsx_formulas_without_values_in_several_columns_are_one_row_error():
    # ... and one in an extra column the contract does not read still counts when
    # every column is read (read_table); a blank-named column's never does
    data = workbook(("a", "b", "", "c"), ("=A1", "2", "=B1", "=1/0"))
    assert read_table("x.xlsx", data).problems.to_dict(orient="records") == [
        {
            "line_number": 2,
            "column_name": "a, c",
            "reason": "a, c hold formulas with no saved value: open the workbook in Excel "
            "and save it so the values are stored",
            "field_count": 4,
        }
    ]


def test_xlsx_a_formula_with_a_saved_value_reads_as_that_value_never_the_formula():
    # as Excel saves them: a number, a text (t="str"), an empty text and an error
    data = with_sheet_xml(
        f'<row r="1">{text_cell("A1", "a")}{text_cell("B1", "b")}{text_cell("C1", "c")}'
        f'{text_cell("D1", "d")}</row><row r="2"><c r="A2"><f>1+1</f><v>2</v></c>'
        '<c r="B2" t="str"><f>HYPERLINK("http://x")</f><v>http://x</v></c>'
        '<c r="C2" t="str"><f>IF(TRUE,"","x")</f><v/></c>'
        '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    table = read_table("x.xlsx", data)
    assert cells(table) == {2: {"a": "2", "b": "http://x", "c": None, "d": "#DIV/0!"}}
    assert table.problems.empty


def test_xlsx_a_header_formula_with_no_saved_value_rejects_the_file():
    with pytest.raises(FileRejected) as rejection:
        read_table("x.xlsx", workbook(("a", '="b"'), ("1", "2")))
    assert str(rejection.value) == (
        "the header's column 2 holds a formula with no saved value: open the workbook "
        "in Excel and save it so the values are stored"
    )


LOOKS_LIKE_FORMULAS = ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)", "=1+1"]


def test_csv_text_that_looks_like_a_formula_is_kept_verbatim_never_evaluated():
    lines = ["a"] + ['"' + text.replace('"', '""') + '"' for text in LOOKS_LIKE_FORMULAS]
    table = read_table("x.csv", "\n".join(lines).encode())
    assert table.cells["a"].tolist() == LOOKS_LIKE_FORMULAS


def test_xlsx_text_that_looks_like_a_formula_is_kept_verbatim_never_evaluated():
    book = Workbook()
    sheet = book.active
    sheet.append(["a"])
    for number, text in enumerate(LOOKS_LIKE_FORMULAS, start=2):
        cell = sheet.cell(row=number, column=1)
        cell.value = text
        cell.data_type = "s"  # a text cell: openpyxl would otherwise store a formula
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("x.xlsx", buffer.getvalue())
    assert table.cells["a"].tolist() == LOOKS_LIKE_FORMULAS
    assert table.problems.empty
