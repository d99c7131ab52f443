"""Landing one district's month: each extract's rows written in the district's house
style, with the faults and oddities the plan gives it, and recorded in the manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from . import faults, styles
from .faults import FileKey
from .manifest import BadRow, JunkPath, LandedFile, Quirk, RejectedFile
from .records import DistrictWorld
from .submissions import EVENT_EXTRACTS, EXTRACT_COLUMNS, EXTRACTS, EventHistory, snapshot_rows
from .workdays import key_of, month_end
from .workforce import Snapshot
from .write import FileStyle, header_text, write_csv, write_xlsx

LOCK_FILE_BYTES = (b"\x0bJ. Marshall" + b" " * 43 + b"\x00" * 110)[:165]


@dataclass
class Landed:
    """Manifest entries, in the order their files were written."""

    files: list[LandedFile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)
    junk: list[JunkPath] = field(default_factory=list)
    quirks: list[Quirk] = field(default_factory=list)


class Lander:
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
        self.draft_month: str | None = None  # the month draft_rows were copied from

    def take(self) -> Landed:
        """The manifest entries since the last take, handed over and forgotten here."""
        taken = Landed(self.files, self.bad_rows, self.rejected, self.junk, self.quirks)
        self.files, self.bad_rows, self.rejected, self.junk, self.quirks = [], [], [], [], []
        return taken

    def add(self, landed: Landed) -> None:
        """Entries landed elsewhere (another Lander, another process), in writing order."""
        self.files += landed.files
        self.bad_rows += landed.bad_rows
        self.rejected += landed.rejected
        self.junk += landed.junk
        self.quirks += landed.quirks

    def land_district(
        self,
        month: str,
        last: bool,
        district_index: int,
        world: DistrictWorld,
        history: dict[str, EventHistory],
        snapshot: Snapshot,
    ) -> None:
        """One district's folder for one month: every extract, each with its own random
        stream, so one file's faults do not shift another's."""
        code = world.profile.code
        folder_name = styles.folder_name(code, world.profile.house_style, month)
        folder = self.out_dir / month / folder_name
        folder.mkdir(parents=True)
        if folder_name != code:
            self.quirks.append(
                Quirk(f"{month}/{folder_name}", "lower_case_folder", (), f"district {code}")
            )
        for extract_index, extract in enumerate(EXTRACTS):
            rng = np.random.default_rng(
                [self.seed, 6, key_of(month), district_index, extract_index]
            )
            self._land_file((month, code, extract), folder, last, world, history, snapshot, rng)

    def _land_file(
        self,
        key: FileKey,
        folder: Path,
        last: bool,
        world: DistrictWorld,
        history: dict[str, EventHistory],
        snapshot: Snapshot,
        rng: np.random.Generator,
    ) -> None:
        """One extract: its rows in the district's house style, with the faults and
        oddities the plan gives it, written and entered in the manifest."""
        month, code, extract = key
        end = month_end(month)
        house = world.profile.house_style
        style = styles.style_for(house, extract, month)
        rows, records = self._rows(month, code, extract, world, history, snapshot)
        columns = list(EXTRACT_COLUMNS[extract])
        styles.apply_house_style(house, extract, style, columns, rows, snapshot, end)
        rows, records, injected, resend = self._faults(key, rows, records, end, style, rng)
        quirk_rows = self._quirk_rows(key, rows, records, style)
        header = [header_text(c, style.header_style) for c in columns]
        broken = self.plan.broken is not None and key == self.plan.broken[0]
        if broken:
            rows = self._drop_required_column(header, columns, rows)
            resend.update(r for r in records if r is not None)
        path = folder / f"{extract}.{style.file_format}"
        lines, blank_before = self._write(key, path, header, columns, rows, style)
        relative = f"{month}/{folder.name}/{path.name}"
        self.files.append(LandedFile(relative, month, code, extract, len(rows), style.describe()))
        self._record(key, relative, rows, lines, injected, quirk_rows, blank_before, broken)
        self._junk_beside(key, path, folder.name)
        if extract == "referrals" and not self.draft_rows and len(rows) > 3:
            self.draft_rows = [list(r) for r in rows[:3]]
            self.draft_month = month
        if resend and not last and extract in EVENT_EXTRACTS:
            self.resend.setdefault((code, extract), set()).update(resend)

    def _faults(
        self,
        key: FileKey,
        rows: list[list[object]],
        records: list[int | None],
        end: date,
        style: FileStyle,
        rng: np.random.Generator,
    ) -> tuple[list[list[object]], list[int | None], list[faults.Injected], set[int]]:
        """The plan's header-only file and bad rows; returns the rows, their records, the
        bad rows and the records to send again next month, as a district does once told."""
        resend: set[int] = set()
        if key == self.plan.header_only:
            resend.update(r for r in records if r is not None)
            rows, records = [], []
        injected: list[faults.Injected] = []
        if key in self.plan.bad_rows:
            injected, resend_bad = faults.inject(
                self.plan.bad_rows[key],
                key[2],
                rows,
                records,
                end,
                style.file_format == "xlsx",
                rng,
            )
            resend |= resend_bad
        return rows, records, injected, resend

    def _drop_required_column(
        self, header: list[str], columns: list[str], rows: list[list[object]]
    ) -> list[list[object]]:
        """The one file broken whole: a required column left out of the header (popped
        in place) and of every row, so the contract rejects the file."""
        missing = self.plan.broken[1]  # type: ignore[index]
        drop = columns.index(missing)
        header.pop(drop)
        return [row[:drop] + row[drop + 1 :] for row in rows]

    def _write(
        self,
        key: FileKey,
        path: Path,
        header: list[str],
        columns: list[str],
        rows: list[list[object]],
        style: FileStyle,
    ) -> tuple[list[int], frozenset[int]]:
        """Write the file; returns the line each row starts on and the rows a blank line
        precedes (the plan's blank line, a third of the way in)."""
        blank_before: frozenset[int] = frozenset()
        if key == self.plan.blank_line and len(rows) > 3:
            blank_before = frozenset({len(rows) // 3})
        if style.file_format == "xlsx":
            lines = write_xlsx(path, header, columns, rows, style, key[2])
        else:
            lines = write_csv(
                path,
                header,
                rows,
                style,
                blank_before=blank_before,
                trailing_blank=key == self.plan.trailing_blank,
            )
        return lines, blank_before

    def _record(
        self,
        key: FileKey,
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

    def _junk_beside(self, key: FileKey, path: Path, folder_name: str) -> None:
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
        key: FileKey,
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
