"""Finding what landed (extracts.md, "Landing layout"): names match case-insensitively,
anything else is ignored and recorded, ambiguity rejects, and links are never followed."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.dates import now_utc
from orchestration.landing import is_month, scan_landing
from orchestration.loading.districts import DistrictsUnavailable, scan_listed
from orchestration.loading.months import load_district_month
from orchestration.pseudonym import Pseudonymiser
from tests.conftest import DISTRICTS_CSV, build, land, query

REFERRALS = "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n"
LISTED = ["NOR", "SOU"]


def district_load(landing: Path, month: str = "2011-04", district: str = "NOR"):
    """What one district-month's submission becomes: {path: (status, error)} and the loads."""
    scanned = scan_landing(landing, LISTED)
    load = load_district_month(scanned, month, district, Pseudonymiser(b"k"), now_utc())
    return {row["path"]: (row["status"], row["error"]) for row in load.submissions}


def seen(landing: Path) -> dict[str, tuple[str, str]]:
    return {item.path: (item.status, item.error) for item in scan_landing(landing, LISTED).seen}


# --- names match case-insensitively ----------------------------------------------------


def test_folder_and_file_names_match_case_insensitively(landing):
    land(
        landing, {"REFERENCE/Districts.CSV": DISTRICTS_CSV, "2011-04/nor/REFERRALS.CSV": REFERRALS}
    )
    scanned = scan_landing(landing, LISTED)
    assert [landed.relative for landed in scanned.reference] == ["REFERENCE/Districts.CSV"]
    assert list(scanned.district_folders) == [("2011-04", "NOR")]  # NOR as listed
    assert district_load(landing) == {"2011-04/nor/REFERRALS.CSV": ("loaded", None)}


def test_an_extract_may_come_as_xlsx(landing):
    land(landing, {"2011-04/NOR/Referrals.xlsx": b"not really a workbook"})
    # it is found as the referrals extract (and then rejected by the reader)
    ((status, error),) = district_load(landing).values()
    assert (status, error.split(" (")[0]) == ("rejected", "the workbook cannot be read")


# --- what is ignored -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["2011-13", "2011-00", "2011-4", "0000-01", "tmp", "201104", "2011-04 ", "٢٠١١-04"]
)
def test_a_month_folder_that_is_not_a_real_yyyy_mm_month_is_ignored(landing, name):
    land(landing, {f"{name}/NOR/referrals.csv": REFERRALS})
    scanned = scan_landing(landing, LISTED)
    assert scanned.months == []
    assert seen(landing) == {
        name: ("ignored", "not the reference folder or a YYYY-MM month folder")
    }


def test_a_month_name_with_a_trailing_newline_is_not_a_second_april(landing):
    land(
        landing, {"2011-04/NOR/referrals.csv": REFERRALS, "2011-04\n/NOR/referrals.csv": REFERRALS}
    )
    assert scan_landing(landing, LISTED).months == ["2011-04"]


@pytest.mark.parametrize("name", ["2011-04", "1990-01", "2099-12"])
def test_real_months_are_month_folders(name):
    assert is_month(name)


def test_a_district_folder_that_is_not_listed_is_ignored(landing):
    land(landing, {"2011-04/EST/referrals.csv": REFERRALS, "2011-04/NOR/referrals.csv": REFERRALS})
    scanned = scan_landing(landing, LISTED)
    assert list(scanned.district_folders) == [("2011-04", "NOR")]
    assert seen(landing) == {"2011-04/EST": ("ignored", "not a district listed in districts.csv")}


@pytest.mark.parametrize(
    "name",
    [
        "referrals (1).csv",
        "~$referrals.xlsx",
        "referrals.txt",
        "referrals.csv.bak",
        "Copy of referrals.csv",
        "referrals.xls",
        "notes.docx",
    ],
)
def test_any_other_file_in_a_district_folder_is_ignored(landing, name):
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS, f"2011-04/NOR/{name}": "x"})
    assert district_load(landing) == {
        "2011-04/NOR/referrals.csv": ("loaded", None),
        f"2011-04/NOR/{name}": ("ignored", "not an extract file name"),
    }


def test_stray_files_and_folders_outside_the_layout_are_ignored(landing):
    land(
        landing,
        {
            "notes.txt": "x",
            "2011-04/readme.txt": "x",
            "2011-04/NOR/old/referrals.csv": REFERRALS,
            "reference/README.md": "x",
        },
    )
    assert seen(landing) == {
        "notes.txt": ("ignored", "not the reference folder or a YYYY-MM month folder"),
        "2011-04/readme.txt": ("ignored", "a file directly in a month folder"),
        "reference/README.md": ("ignored", "not an extract file name"),
    }
    assert district_load(landing) == {"2011-04/NOR/old": ("ignored", "not an extract file name")}


# --- names that are not UTF-8: ignored, shown escaped, never stopping the run -------------

NOT_UTF8 = "a name that is not valid UTF-8 (its undecodable bytes shown as \\xNN)"


def land_bytes_name(folder: Path, name: bytes, *, is_folder: bool = False) -> None:
    """Create a file or folder whose name is raw bytes (os.scandir returns it surrogate-escaped)."""
    path = bytes(folder) + b"/" + name
    if is_folder:
        os.mkdir(path)
        with open(path + b"/referrals.csv", "wb") as file:
            file.write(REFERRALS.encode())
    else:
        with open(path, "wb") as file:
            file.write(b"x")


@pytest.mark.parametrize("where", ["", "2011-04", "reference"])
def test_a_file_name_that_is_not_utf8_is_ignored_and_shown_escaped(landing, where):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    land_bytes_name(landing / where, b"notes\xff.csv")
    shown = f"{where}/notes\\xff.csv".lstrip("/")
    assert seen(landing) == {shown: ("ignored", NOT_UTF8)}
    assert shown.encode("utf-8").decode("utf-8") == shown  # printable, valid UTF-8
    assert district_load(landing) == {"2011-04/NOR/referrals.csv": ("loaded", None)}


def test_a_file_name_that_is_not_utf8_in_a_district_folder_is_ignored(landing):
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS})
    land_bytes_name(landing / "2011-04" / "NOR", b"notes\xff.csv")
    assert district_load(landing) == {
        "2011-04/NOR/notes\\xff.csv": ("ignored", NOT_UTF8),
        "2011-04/NOR/referrals.csv": ("loaded", None),
    }


def test_a_month_or_district_folder_name_that_is_not_utf8_is_ignored_unopened(landing):
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS})
    land_bytes_name(landing, b"2011-0\xff", is_folder=True)
    land_bytes_name(landing / "2011-04", b"N\xc3R", is_folder=True)
    assert scan_landing(landing, LISTED).months == ["2011-04"]
    assert seen(landing) == {
        "2011-0\\xff": ("ignored", NOT_UTF8),
        "2011-04/N\\xc3R": ("ignored", NOT_UTF8),
    }


def test_names_that_are_not_utf8_anywhere_do_not_stop_a_build(landing, tmp_path):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    for folder in ("", "2011-04", "2011-04/NOR", "reference"):
        land_bytes_name(landing / folder, b"notes\xff.csv")
    land_bytes_name(landing, b"2011-0\xff", is_folder=True)
    land_bytes_name(landing / "2011-04", b"NO\xff", is_folder=True)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    outcome = build(landing, warehouse)
    assert outcome.published, outcome.message
    assert sorted(
        query(
            warehouse,
            "SELECT path, file_name, status, error FROM audit.submissions "
            "WHERE error IS NULL OR error NOT LIKE '% is missing: %'",  # the missing reference
        )
    ) == [
        ("2011-04/NOR/notes\\xff.csv", "notes\\xff.csv", "ignored", NOT_UTF8),
        ("2011-04/NOR/referrals.csv", "referrals.csv", "loaded", None),
        ("2011-04/NO\\xff", "NO\\xff", "ignored", NOT_UTF8),
        ("2011-04/notes\\xff.csv", "notes\\xff.csv", "ignored", NOT_UTF8),
        ("2011-0\\xff", "2011-0\\xff", "ignored", NOT_UTF8),
        ("notes\\xff.csv", "notes\\xff.csv", "ignored", NOT_UTF8),
        ("reference/districts.csv", "districts.csv", "loaded", None),
        ("reference/notes\\xff.csv", "notes\\xff.csv", "ignored", NOT_UTF8),
    ]
    assert query(
        warehouse,
        "SELECT value FROM marts.fct_indicator_monthly WHERE district_code = 'NOR' "
        "AND indicator_code = 'REF_COUNT'",
    ) == [(1.0,)]


# --- symbolic links: ignored, never followed -------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the landing holding files that look like a submission."""
    return land(
        tmp_path / "outside",
        {
            "NOR/referrals.csv": REFERRALS,
            "referrals.csv": REFERRALS,
            "districts.csv": DISTRICTS_CSV,
        },
    )


def test_symbolic_links_to_folders_are_ignored_and_never_followed(landing, outside):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/SOU/referrals.csv": REFERRALS}
    )
    os.symlink(outside, landing / "2011-05")  # a month folder
    os.symlink(outside / "NOR", landing / "2011-04" / "NOR")  # a district folder
    os.symlink(outside, landing / "2011-04" / "SOU" / "more")  # inside a district folder
    os.symlink(outside, landing / "Reference")  # a second reference folder
    scanned = scan_landing(landing, LISTED)
    assert scanned.months == ["2011-04"]
    assert list(scanned.district_folders) == [("2011-04", "SOU")]
    assert [landed.relative for landed in scanned.reference] == ["reference/districts.csv"]
    link = ("ignored", "symbolic link: not followed")
    assert seen(landing) == {"2011-05": link, "2011-04/NOR": link, "Reference": link}
    assert district_load(landing, district="SOU") == {
        "2011-04/SOU/more": link,
        "2011-04/SOU/referrals.csv": ("loaded", None),
    }


def test_symbolic_links_to_files_are_ignored_and_never_read(landing, outside):
    land(landing, {"2011-04/NOR/cp_plans.csv": "plan_id\n", "reference/targets.csv": "x\n"})
    os.symlink(outside / "referrals.csv", landing / "2011-04" / "NOR" / "referrals.csv")
    os.symlink(outside / "districts.csv", landing / "reference" / "districts.csv")
    os.symlink(landing / "missing.csv", landing / "2011-04" / "NOR" / "workforce.csv")  # dangling
    link = ("ignored", "symbolic link: not followed")
    assert district_load(landing) == {
        "2011-04/NOR/referrals.csv": link,
        "2011-04/NOR/workforce.csv": link,
        "2011-04/NOR/cp_plans.csv": (
            "rejected",
            "required column(s) missing: child_id, start_date, category",
        ),
    }
    scanned = scan_landing(landing, LISTED)
    assert [landed.relative for landed in scanned.reference] == ["reference/targets.csv"]
    assert seen(landing) == {"reference/districts.csv": link}
    with pytest.raises(DistrictsUnavailable, match="missing"):
        scan_listed(landing).require_districts()


# --- ambiguity: both rejected, neither loaded ------------------------------------------


def test_a_csv_and_an_xlsx_for_one_extract_are_both_rejected(landing):
    land(
        landing,
        {
            "2011-04/NOR/referrals.csv": REFERRALS,
            "2011-04/NOR/REFERRALS.xlsx": b"x",
            "2011-04/NOR/cp_plans.csv": "plan_id,child_id,start_date,category\n",
        },
    )
    reason = (
        "ambiguous submission: REFERRALS.xlsx and referrals.csv both match the referrals extract"
    )
    assert district_load(landing) == {
        "2011-04/NOR/REFERRALS.xlsx": ("rejected", reason),
        "2011-04/NOR/referrals.csv": ("rejected", reason),
        "2011-04/NOR/cp_plans.csv": ("loaded", None),  # the other extracts load
    }


def test_two_names_in_different_case_for_one_extract_are_both_rejected(landing):
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS, "2011-04/NOR/Referrals.CSV": REFERRALS})
    reason = (
        "ambiguous submission: Referrals.CSV and referrals.csv both match the referrals extract"
    )
    assert district_load(landing) == {
        "2011-04/NOR/Referrals.CSV": ("rejected", reason),
        "2011-04/NOR/referrals.csv": ("rejected", reason),
    }


def test_two_folders_for_one_district_reject_all_their_files(landing):
    land(
        landing,
        {
            "2011-04/NOR/referrals.csv": REFERRALS,
            "2011-04/nor/cp_plans.csv": "plan_id,child_id,start_date,category\n",
            "2011-04/SOU/referrals.csv": REFERRALS,
        },
    )
    scanned = scan_landing(landing, LISTED)
    assert sorted(folder.name for folder in scanned.district_folders[("2011-04", "NOR")]) == [
        "NOR",
        "nor",
    ]
    reason = "ambiguous submission: folders NOR and nor both match district NOR"
    assert district_load(landing) == {
        "2011-04/NOR/referrals.csv": ("rejected", reason),
        "2011-04/nor/cp_plans.csv": ("rejected", reason),
    }
    # another district is untouched
    assert district_load(landing, district="SOU") == {"2011-04/SOU/referrals.csv": ("loaded", None)}


def test_two_reference_folders_reject_districts_csv_with_a_clear_message(landing):
    land(landing, {"reference/districts.csv": DISTRICTS_CSV, "Reference/population.csv": "x"})
    with pytest.raises(DistrictsUnavailable) as raised:
        scan_listed(landing).require_districts()
    assert str(raised.value) == (
        "reference/districts.csv was rejected: ambiguous submission: "
        "folders Reference and reference both match the reference folder"
    )


# --- everything seen is recorded in audit.submissions ----------------------------------


def test_every_ignored_and_rejected_item_is_recorded_in_audit_submissions(
    landing, outside, tmp_path, load_into
):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "reference/notes.txt": "x",
            "tmp/NOR/referrals.csv": REFERRALS,
            "2011-13/NOR/referrals.csv": REFERRALS,
            "2011-04/EST/referrals.csv": REFERRALS,
            "2011-04/NOR/referrals.csv": REFERRALS,
            "2011-04/NOR/referrals (1).csv": REFERRALS,
            "2011-04/NOR/~$referrals.xlsx": b"x",
            "2011-04/NOR/workforce.csv": "worker_id\n",
            "2011-04/NOR/WORKFORCE.xlsx": b"x",
            "2011-04/SOU/cp_plans.csv": "",
            "2011-04/sou/referrals.csv": REFERRALS,
        },
    )
    os.symlink(outside, landing / "2011-05")
    os.symlink(outside / "referrals.csv", landing / "2011-04" / "NOR" / "looked_after.csv")
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    with duckdb.connect(str(work_db), read_only=True) as con:
        rows = con.execute(
            "SELECT path, file_name, CAST(reporting_month AS VARCHAR), district_code, extract, "
            "status, error FROM audit.submissions "
            # population.csv and targets.csv are missing: test_missing_reference.py's concern
            "WHERE error IS NULL OR error NOT LIKE '% is missing: %' ORDER BY path"
        ).fetchall()
    # file_name is the item's own name as it landed
    assert all(path.rsplit("/", 1)[-1] == file_name for path, file_name, *_ in rows)
    top = "not the reference folder or a YYYY-MM month folder"
    link = "symbolic link: not followed"
    junk = "not an extract file name"
    unlisted = "not a district listed in districts.csv"
    both = "ambiguous submission: WORKFORCE.xlsx and workforce.csv both match the workforce extract"
    sou = "ambiguous submission: folders SOU and sou both match district SOU"
    april = "2011-04-01"
    assert [(path, *rest) for path, _, *rest in rows] == [
        ("2011-04/EST", april, None, None, "ignored", unlisted),
        ("2011-04/NOR/WORKFORCE.xlsx", april, "NOR", "workforce", "rejected", both),
        ("2011-04/NOR/looked_after.csv", april, "NOR", None, "ignored", link),
        ("2011-04/NOR/referrals (1).csv", april, "NOR", None, "ignored", junk),
        ("2011-04/NOR/referrals.csv", april, "NOR", "referrals", "loaded", None),
        ("2011-04/NOR/workforce.csv", april, "NOR", "workforce", "rejected", both),
        ("2011-04/NOR/~$referrals.xlsx", april, "NOR", None, "ignored", junk),
        ("2011-04/SOU/cp_plans.csv", april, "SOU", "cp_plans", "rejected", sou),
        ("2011-04/sou/referrals.csv", april, "SOU", "referrals", "rejected", sou),
        ("2011-05", None, None, None, "ignored", link),
        ("2011-13", None, None, None, "ignored", top),
        ("reference/districts.csv", None, None, "districts", "loaded", None),
        ("reference/notes.txt", None, None, None, "ignored", junk),
        ("tmp", None, None, None, "ignored", top),
    ]
