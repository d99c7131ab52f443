"""``generate_landing``: simulate Kent, then land one month of submissions at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from . import faults, styles
from .districts import DISTRICTS, population
from .manifest import BadRow, DemoManifest, JunkPath, LandedFile, Quirk, RejectedFile
from .records import DistrictWorld
from .reference import write_reference
from .simulate import assign_child_ids, simulate_district
from .submissions import (
    EVENT_EXTRACTS,
    EXTRACT_COLUMNS,
    EXTRACTS,
    EventHistory,
    event_histories,
    snapshot_rows,
)
from .workdays import WorkCalendar, add_months, key_of, month_end, month_range, month_start
from .workforce import Snapshot, snapshots
from .write import FileStyle, header_text, write_csv, write_xlsx

BURN_IN_MONTHS = 24  # simulated before the first month, so open work already exists
LOCK_FILE_BYTES = (b"\x0bJ. Marshall" + b" " * 43 + b"\x00" * 110)[:165]


def generate_landing(
    out_dir: Path,
    first_month: str = "2010-04",
    last_month: str = "2012-03",
    seed: int = 2012,
) -> DemoManifest:
    """Write a realistic Kent landing folder into the empty ``out_dir``.

    Same seed and months, same bytes. Raises ``FileExistsError`` rather than mix
    demo files into a folder that already holds something.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} is not an empty folder; the demo writes only into one")
    months = month_range(first_month, last_month)
    profiles = DISTRICTS
    codes = [p.code for p in profiles]

    sim_first = month_start(add_months(first_month, -BURN_IN_MONTHS)).toordinal()
    sim_last = month_end(last_month).toordinal()
    calendar = WorkCalendar(date.fromordinal(sim_first - 7), date.fromordinal(sim_last + 500))
    sim_years = range(date.fromordinal(sim_first).year, date.fromordinal(sim_last).year + 1)
    worlds = [
        simulate_district(
            profile,
            np.random.default_rng([seed, 1, index]),
            calendar,
            sim_first,
            sim_last,
            {year: population(profile, year) for year in sim_years},
        )
        for index, profile in enumerate(profiles)
    ]
    assign_child_ids(worlds, np.random.default_rng([seed, 2]))
    first_day = month_start(first_month).toordinal()
    histories = [
        event_histories(
            world,
            np.random.default_rng([seed, 3, i]),
            first_day,
            key_of(first_month),
            key_of(last_month),
        )
        for i, world in enumerate(worlds)
    ]
    snaps = [
        snapshots(world, months, np.random.default_rng([seed, 4, i]))
        for i, world in enumerate(worlds)
    ]

    out_dir.mkdir(parents=True, exist_ok=True)
    reference = write_reference(out_dir, months)
    is_workbook = {
        (m, c, x): styles.style_for(c, x, m).file_format == "xlsx"
        for m in months
        for c in codes
        for x in EXTRACTS
    }
    plan = faults.plan_faults(months, codes, is_workbook, np.random.default_rng([seed, 5]))
    lander = _Lander(out_dir, plan, seed)
    for month_index, month in enumerate(months):
        for district_index, world in enumerate(worlds):
            lander.land_district(
                month,
                month_index == len(months) - 1,
                district_index,
                world,
                histories[district_index],
                snaps[district_index][month],
            )
    lander.land_junk()
    return DemoManifest(
        out_dir=out_dir,
        seed=seed,
        first_month=first_month,
        last_month=last_month,
        districts=tuple(codes),
        reference_files=reference,
        files=tuple(lander.files),
        bad_rows=tuple(lander.bad_rows),
        rejected_files=tuple(lander.rejected),
        junk_paths=tuple(lander.junk),
        quirks=tuple(lander.quirks),
    )


class _Lander:
    """Writes one district's month of files, applying faults, and keeps the manifest."""

    def __init__(self, out_dir: Path, plan: faults.FaultPlan, seed: int) -> None:
        self.out_dir = out_dir
        self.plan = plan
        self.seed = seed
        self.files: list[LandedFile] = []
        self.bad_rows: list[BadRow] = []
        self.rejected: list[RejectedFile] = []
        self.junk: list[JunkPath] = []
        self.quirks: list[Quirk] = []
        self.resend: dict[tuple[str, str], set[int]] = {}
        self.draft_rows: list[list[object]] = []

    def land_district(
        self,
        month: str,
        last: bool,
        district_index: int,
        world: DistrictWorld,
        history: dict[str, EventHistory],
        snapshot: Snapshot,
    ) -> None:
        code = world.profile.code
        folder_name = styles.folder_name(code, month)
        folder = self.out_dir / month / folder_name
        folder.mkdir(parents=True)
        if folder_name != code:
            self.quirks.append(
                Quirk(f"{month}/{folder_name}", "lower_case_folder", (), f"district {code}")
            )
        end = month_end(month)
        for extract_index, extract in enumerate(EXTRACTS):
            key = (month, code, extract)
            style = styles.style_for(code, extract, month)
            rows, records = self._rows(month, code, extract, world, history, snapshot)
            columns = list(EXTRACT_COLUMNS[extract])
            styles.apply_house_style(code, extract, style, columns, rows, snapshot, end)
            rng = np.random.default_rng(
                [self.seed, 6, key_of(month), district_index, extract_index]
            )

            resend: set[int] = set()
            if key == self.plan.header_only:
                resend.update(r for r in records if r is not None)
                rows, records = [], []
            injected: list[faults.Injected] = []
            if key in self.plan.bad_rows:
                injected, resend_bad = faults.inject(
                    self.plan.bad_rows[key],
                    extract,
                    rows,
                    records,
                    end,
                    style.file_format == "xlsx",
                    rng,
                )
                resend |= resend_bad
            quirk_rows = self._quirk_rows(key, rows, records, style)

            header = [header_text(c, style.header_style) for c in columns]
            broken = self.plan.broken is not None and key == self.plan.broken[0]
            if broken:
                missing = self.plan.broken[1]  # type: ignore[index]
                drop = columns.index(missing)
                header.pop(drop)
                rows = [row[:drop] + row[drop + 1 :] for row in rows]
                resend.update(r for r in records if r is not None)
            blank_before: frozenset[int] = frozenset()
            if key == self.plan.blank_line and len(rows) > 3:
                blank_before = frozenset({len(rows) // 3})

            name = f"{extract}.{style.file_format}"
            path = folder / name
            if style.file_format == "xlsx":
                lines = write_xlsx(path, header, columns, rows, style, extract)
            else:
                lines = write_csv(
                    path,
                    header,
                    rows,
                    style,
                    blank_before=blank_before,
                    trailing_blank=key == self.plan.trailing_blank,
                )
            relative = f"{month}/{folder_name}/{name}"
            self.files.append(
                LandedFile(relative, month, code, extract, len(rows), style.describe())
            )
            self._record(key, relative, rows, lines, injected, quirk_rows, blank_before, broken)
            self._junk_beside(key, path, folder_name)
            if extract == "referrals" and not self.draft_rows and len(rows) > 3:
                self.draft_rows = [list(r) for r in rows[:3]]
            if resend and not last and extract in EVENT_EXTRACTS:
                self.resend.setdefault((code, extract), set()).update(resend)

    def _record(
        self,
        key: tuple[str, str, str],
        relative: str,
        rows: list[list[object]],
        lines: list[int],
        injected: list[faults.Injected],
        quirk_rows: list[tuple[str, list[list[object]]]],
        blank_before: frozenset[int],
        broken: bool,
    ) -> None:
        """Manifest entries for one written file, with line numbers as written."""
        month, code, extract = key
        name = relative.rsplit("/", 1)[1]
        position = {id(row): i for i, row in enumerate(rows)}
        for bad in injected:
            line = lines[position[id(bad.row)]]
            self.bad_rows.append(
                BadRow(month, code, extract, name, line, bad.column, bad.kind, relative)
            )
        for kind, quirk in quirk_rows:
            self.quirks.append(
                Quirk(relative, kind, tuple(lines[position[id(r)]] for r in quirk), extract)
            )
        if blank_before:
            line = lines[min(blank_before)] - 1
            self.quirks.append(Quirk(relative, "blank_line", (line,), "an empty line"))
        if key == self.plan.trailing_blank:
            self.quirks.append(Quirk(relative, "trailing_blank_line", (), "white space only"))
        if key == self.plan.header_only:
            self.quirks.append(Quirk(relative, "header_only", (), "submitted, no records"))
        if broken and self.plan.broken is not None:
            reason = f"required column {self.plan.broken[1]} is missing"
            self.rejected.append(RejectedFile(relative, month, code, extract, reason))

    def _junk_beside(self, key: tuple[str, str, str], path: Path, folder_name: str) -> None:
        """A copy someone saved next to the extract; a lock file Excel left behind."""
        month, _, extract = key
        if key == self.plan.copy_of:
            copy = path.with_name(f"{extract} (1){path.suffix}")
            copy.write_bytes(path.read_bytes())
            self.junk.append(
                JunkPath(f"{month}/{folder_name}/{copy.name}", "a copy: not an extract name")
            )
        if key == self.plan.lock_file:
            lock = path.with_name(f"~${extract}.xlsx")
            lock.write_bytes(LOCK_FILE_BYTES)
            self.junk.append(JunkPath(f"{month}/{folder_name}/{lock.name}", "an Excel lock file"))

    def _rows(
        self,
        month: str,
        code: str,
        extract: str,
        world: DistrictWorld,
        history: dict[str, EventHistory],
        snapshot: Snapshot,
    ) -> tuple[list[list[object]], list[int | None]]:
        if extract in EVENT_EXTRACTS:
            events = history[extract]
            members = events.members.get(key_of(month), np.empty(0, dtype="int64"))
            again = self.resend.pop((code, extract), set())
            if again:
                members = np.union1d(members, np.array(sorted(again), dtype="int64"))
            rows, records = events.rows(members.astype("int64"), month_end(month).toordinal())
            return rows, list(records)
        rows = snapshot_rows(world, snapshot, extract)
        return rows, [None] * len(rows)

    def _quirk_rows(
        self,
        key: tuple[str, str, str],
        rows: list[list[object]],
        records: list[int | None],
        style: FileStyle,
    ) -> list[tuple[str, list[list[object]]]]:
        """Valid oddities placed in the first half of a file (faults sit in the second)."""
        found: list[tuple[str, list[list[object]]]] = []
        if not rows:
            return found
        at = len(rows) // 4
        early = rows[at]
        if key == self.plan.multiline and key[2] == "referrals":
            early[3] = "Other –\nout of hours service"
            found.append(("multiline_field", [early]))
        if key == self.plan.identical_duplicate:
            twin = list(early)
            rows.append(twin)
            records.append(records[at])
            found.append(("identical_duplicate", [early, twin]))
        if key == self.plan.reformatted_duplicate:
            twin = faults.reformatted(early, style.date_style)
            rows.append(twin)
            records.append(None)
            found.append(("reformatted_duplicate", [early, twin]))
        return found

    def land_junk(self) -> None:
        """A scratch folder someone left at the top of the landing."""
        tmp = self.out_dir / "tmp"
        tmp.mkdir()
        write_csv(
            tmp / "referrals_draft.csv",
            list(EXTRACT_COLUMNS["referrals"]),
            self.draft_rows,
            FileStyle(),
        )
        self.junk.append(JunkPath("tmp", "not a YYYY-MM month folder (holds referrals_draft.csv)"))
