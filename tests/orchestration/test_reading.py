"""Reading a landed file (extracts.md, "File format"): encodings, line ends, RFC 4180
quoting, line numbers, headers, and .xlsx workbooks built here with openpyxl."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import pandas as pd
import pytest
from openpyxl import Workbook

from contracts.base import MissingColumns, validate
from contracts.registry import DISTRICT_EXTRACTS
from orchestration.reading import FileRejected, read_table

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
