"""The manifest says exactly what is in the landing: rows, bad rows, rejections, junk."""

from __future__ import annotations

import csv
import re
from collections import Counter

import openpyxl
from conftest import SCHEMAS, Landing, normalise_header, read_raw

EXTRACTS = set(SCHEMAS)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def test_layout_has_reference_files_and_a_folder_per_district_and_month(landing: Landing):
    root, manifest = landing.root, landing.manifest
    with (root / "reference" / "districts.csv").open(encoding="utf-8") as handle:
        districts = list(csv.DictReader(handle))
    codes = [d["district_code"] for d in districts]
    assert len(codes) == 12 == len(set(codes))
    assert all(re.fullmatch(r"[A-Z0-9_]{2,12}", c) and c != "ALL" for c in codes)
    assert tuple(codes) == manifest.districts
    months = sorted(p.name for p in root.iterdir() if MONTH.match(p.name))
    assert months[0] == "2010-04" and months[-1] == "2012-03" and len(months) == 24
    for month in months:
        folders = {p.name.upper() for p in (root / month).iterdir()}
        assert folders == set(codes)
    # every (month, district) has all eight extracts, one file each
    assert Counter((f.reporting_month, f.district_code) for f in manifest.files) == {
        (m, c): 8 for m in months for c in codes
    }


def test_population_sums_to_about_330000_each_year(landing: Landing):
    with (landing.root / "reference" / "population.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_year = Counter()
    for row in rows:
        by_year[int(row["year"])] += int(row["population_0_17"])
    assert sorted(by_year) == [2010, 2011, 2012]
    assert all(320_000 <= total <= 340_000 for total in by_year.values())
    assert len(set(by_year.values())) == 3  # varies slightly by year


def test_targets_use_only_catalogue_codes_and_include_an_override(landing: Landing):
    codes = {
        "REF_COUNT", "REF_RATE_12M", "IA_COMPLETED", "IA_7WD_PCT", "IA_OOT_COUNT",
        "IA_RATE_YTD", "CA_35WD_PCT", "CA_OOT_COUNT", "UNALLOC_COUNT", "UNALLOC_28D_COUNT",
        "CP_COUNT", "CP_RATE", "LAC_COUNT", "LAC_RATE", "AGENCY_HEADCOUNT", "AGENCY_FTE_PCT",
        "ESTAB_VARIANCE_PCT", "PERM_FILLED_PCT", "AVG_CASELOAD",
    }  # fmt: skip
    with (landing.root / "reference" / "targets.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["indicator_code"] for r in rows} <= codes
    assert {r["financial_year"] for r in rows} == {"2010-11", "2011-12"}
    keys = [(r["indicator_code"], r["financial_year"], r["district_code"]) for r in rows]
    assert len(keys) == len(set(keys))
    this_year = {
        (r["indicator_code"], r["district_code"]): r
        for r in rows
        if r["financial_year"] == "2011-12"
    }
    assert float(this_year["REF_RATE_12M", ""]["target"]) == 533.1
    assert float(this_year["IA_OOT_COUNT", "ALL"]["target"]) == 200
    assert float(this_year["IA_RATE_YTD", ""]["target"]) == 415.4
    assert ("REF_RATE_12M", "THA") in this_year  # a district overriding the blank row


def test_row_counts_match_the_files(landing: Landing):
    for landed in landing.manifest.files:
        checked = landing.checked.get(landed.path)
        rows = checked.data_rows if checked else len(read_raw(landing.root / landed.path).records)
        assert rows == landed.data_rows, landed.path


def test_every_listed_bad_row_is_bad_at_that_line_and_no_other_row_is(landing: Landing):
    """An independent validator finds exactly the manifest's bad rows, file by file."""
    expected: dict[str, set[tuple[int, str | None, str]]] = {}
    for bad in landing.manifest.bad_rows:
        assert bad.path.endswith("/" + bad.file_name)
        expected.setdefault(bad.path, set()).add((bad.line_number, bad.column, bad.kind))
    for path, checked in landing.checked.items():
        assert checked.failures == expected.get(path, set()), path


def test_bad_rows_are_few_and_spare_december_2011(landing: Landing):
    bad = landing.manifest.bad_rows
    total_rows = sum(f.data_rows for f in landing.manifest.files)
    assert 40 <= len(bad) <= 0.005 * total_rows
    assert not [b for b in bad if b.reporting_month == "2011-12"]
    kinds = {b.kind for b in bad}
    assert kinds >= {
        "bad_date", "date_after_month_end", "missing_required", "bad_code",
        "start_before_referral", "conflicting_duplicate", "ragged_row",
    }  # fmt: skip
    assert any(b.file_name.endswith(".xlsx") for b in bad)


def test_exactly_one_file_is_rejected_whole_for_a_missing_required_column(landing: Landing):
    (rejected,) = landing.manifest.rejected_files
    raw = read_raw(landing.root / rejected.path)
    required = {c for c, _, needed in SCHEMAS[rejected.extract] if needed}
    missing = required - set(raw.header)
    assert len(missing) == 1 and missing.pop() in rejected.reason


def test_junk_is_where_the_manifest_says_and_is_not_an_extract(landing: Landing):
    paths = {j.path for j in landing.manifest.junk_paths}
    for path in paths:
        assert (landing.root / path).exists(), path
    names = {p.rsplit("/", 1)[-1] for p in paths}
    assert {"referrals (1).csv", "~$workforce.xlsx", "tmp"} == names
    landed = {f.path for f in landing.manifest.files}
    assert not paths & landed


def test_only_listed_files_exist_in_the_landing(landing: Landing):
    listed = {f.path for f in landing.manifest.files} | set(landing.manifest.reference_files)
    junk = {j.path for j in landing.manifest.junk_paths}
    for path in landing.root.rglob("*"):
        if path.is_dir():
            continue
        relative = path.relative_to(landing.root).as_posix()
        assert relative in listed or relative in junk or relative.split("/")[0] in junk, relative


def test_messiness_is_present(landing: Landing):
    """CP1252, BOM, CRLF, UK dates, odd headers, extra columns, workbooks, lower-case folder."""
    seen = Counter()
    for landed in landing.manifest.files:
        data = (landing.root / landed.path).read_bytes()
        if landed.path.endswith(".xlsx"):
            seen["xlsx"] += 1
            continue
        if data.startswith(b"\xef\xbb\xbf"):
            seen["bom"] += 1
        if b"\r\n" in data:
            seen["crlf"] += 1
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            seen["cp1252"] += 1
            assert "–" in data.decode("cp1252")
        first = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        if first.strip() != ",".join(normalise_header(h) for h in first.strip().split(",")):
            seen["header_variant"] += 1
        if len(first.split(",")) > len(SCHEMAS[landed.extract]):
            seen["extra_column"] += 1
        if re.search(rb",\d{1,2}/\d{1,2}/\d{4}", data):
            seen["uk_dates"] += 1
    assert all(
        seen[k] > 0
        for k in ("xlsx", "bom", "crlf", "cp1252", "header_variant", "extra_column", "uk_dates")
    ), seen  # noqa: E501
    assert any(f.path.split("/")[1] != f.district_code for f in landing.manifest.files)


def test_workbooks_hold_numeric_child_ids_and_real_dates(landing: Landing):
    landed = next(f for f in landing.manifest.files if f.path.endswith("referrals.xlsx"))
    book = openpyxl.load_workbook(landing.root / landed.path, read_only=True)
    header, first = list(book.worksheets[0].iter_rows(min_row=1, max_row=2, values_only=True))
    row = dict(zip([normalise_header(h) for h in header], first, strict=True))
    assert isinstance(row["child_id"], int)
    assert row["referral_date"].__class__.__name__ == "datetime"
    book.close()


def test_child_ids_are_seven_digits_and_no_other_id_could_be_mistaken_for_one(landing: Landing):
    for path, checked in landing.checked.items():
        for _, record in checked.valid:
            for column, value in record.items():
                if column == "child_id":
                    assert re.fullmatch(r"[1-9]\d{6}", str(value)), (path, value)
                elif column.endswith("_id") or column == "team_code":
                    assert not re.search(r"\d{7}", str(value)), (path, column, value)
    assert EXTRACTS
