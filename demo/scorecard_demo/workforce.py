"""Teams, workers and who holds which case: the three snapshot extracts.

Establishment (budgeted case-holding FTE per team) is set once per financial
year from the caseload the district budgets for; the roster then hires and
loses permanent and agency staff month by month to stay near
``establishment x (1 + over)`` with the district's agency share. Cases open at
each month end are held by the least-loaded worker of the right team type, so
the average fieldwork caseload follows from the district's budgeted caseload.

Over 300 lines on purpose: the three snapshots share one roster month by month;
split, each module would need the others' state.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from . import districts as cfg
from .records import YEAR, DistrictWorld
from .workdays import month_end, month_start

FIELDWORK, LOOKED_AFTER, ADOLESCENT, DISABLED, OTHER = (
    "fieldwork",
    "looked_after",
    "adolescent",
    "disabled_children",
    "other",
)
CASES_PER_FTE = {LOOKED_AFTER: 16.0, ADOLESCENT: 14.0, DISABLED: 14.0}
AVERAGE_FTE = 0.93  # part-time permanent staff bring the FTE per head below 1


@dataclass(frozen=True)
class Team:
    code: str
    team_type: str
    name: str
    from_month: str  # first month the team exists


@dataclass
class Worker:
    worker_id: str
    team: Team
    case_holding: bool
    agency: bool
    fte: float
    grade: str
    left: int | None = None  # day ordinal the worker left


@dataclass
class Snapshot:
    """The state of one district on the last day of one month."""

    establishment: list[tuple[Team, float]]
    workforce: list[Worker]
    # (case index, worker id or None, unallocated since (ordinal) or None)
    allocations: list[tuple[int, str | None, int | None]]


@dataclass
class _Roster:
    rng: np.random.Generator
    prefix: str
    next_number: int
    workers: list[Worker] = field(default_factory=list)

    def hire(self, team: Team, case_holding: bool, agency: bool, grade: str) -> Worker:
        if agency:
            fte = 1.0 if self.rng.random() < 0.9 else 0.8
        elif case_holding:
            fte = float(self.rng.choice([1.0, 0.8, 0.6, 0.5], p=[0.78, 0.08, 0.07, 0.07]))
        else:
            fte = 1.0
        self.next_number += int(self.rng.integers(1, 12))
        worker = Worker(
            f"{self.prefix}{self.next_number:05d}", team, case_holding, agency, fte, grade
        )
        self.workers.append(worker)
        return worker


def _case_types(world: DistrictWorld, day: int, lac_team: bool) -> tuple[np.ndarray, np.ndarray]:
    """Open cases at ``day`` and the team type that holds each."""
    cases = world.cases
    open_ = np.flatnonzero((cases.start <= day) & (cases.close > day))
    care = world.care
    in_care = np.isin(cases.child[open_], care.child[(care.start <= day) & (care.end > day)])
    age = (day - world.dob[cases.child[open_]]) / YEAR
    kind = np.full(len(open_), FIELDWORK, dtype=object)
    if world.profile.adolescent_team:
        kind[cases.assessed[open_] & (age >= 13)] = ADOLESCENT
    kind[cases.disabled[open_]] = DISABLED
    if lac_team:
        kind[in_care] = LOOKED_AFTER
    return open_, kind


def _financial_year(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return str(year if mon >= 4 else year - 1)


def snapshots(
    world: DistrictWorld, months: list[str], rng: np.random.Generator
) -> dict[str, Snapshot]:
    """Month-end establishment, workforce and allocations for each month.

    Each month draws from ``rng`` in the same order (leavers, hires, allocations), so
    the same seed gives the same staff and caseloads.
    """
    profile = world.profile
    ends = {m: month_end(m).toordinal() for m in months}
    lac_from = {m: m >= profile.lac_team_from for m in months}
    open_by_month = {m: _case_types(world, ends[m], lac_from[m]) for m in months}
    establishment = _establishment(profile, months, open_by_month, lac_from)
    teams, management = _teams(profile, establishment.n_fieldwork)

    roster = _Roster(rng, "W", int(rng.integers(10_000, 60_000)))
    roster.hire(management, False, False, "District Manager")
    for _ in range(2):
        roster.hire(management, False, False, "Service Manager")
    roster.hire(management, False, profile.agency_share > 0.15, "Service Manager")

    assigned: dict[int, str] = {}
    result: dict[str, Snapshot] = {}
    for month in months:
        end = ends[month]
        start = month_start(month).toordinal()
        active_teams = [t for t in teams if t.from_month <= month]
        _leavers(roster, start, end)
        _restaff(roster, profile, active_teams, establishment, month, end)
        _refill_management(roster, management)
        staff = [w for w in roster.workers if w.left is None]
        posts = [(team, establishment.of(team, month)) for team in active_teams]
        posts.append((management, 0.0))
        open_, kind = open_by_month[month]
        allocations = _allocate(
            world, staff, roster.workers, open_, kind, assigned, start, end, rng
        )
        result[month] = Snapshot(posts, staff, allocations)
    return result


@dataclass
class _Establishment:
    """Budgeted case-holding FTE per financial year and team type, and how many
    fieldwork teams share fieldwork's budget."""

    budget: dict[str, dict[str, float]]  # financial year -> team type -> FTE
    n_fieldwork: int

    def of(self, team: Team, month: str) -> float:
        """A team's establishment in ``month``: fieldwork's budget is shared between its
        teams in half-FTE steps, the first teams taking the odd halves."""
        year_budget = self.budget[_financial_year(month)]
        if team.team_type == FIELDWORK:
            total = year_budget.get(FIELDWORK, 2.0)
            share = total / self.n_fieldwork
            index = int(team.code.rsplit("FW", 1)[1]) - 1
            base = np.floor(share * 2) / 2
            extra = round((total - base * self.n_fieldwork) * 2)
            return float(base + (0.5 if index < extra else 0.0))
        return year_budget.get(team.team_type, 2.0)


def _establishment(
    profile: cfg.DistrictProfile,
    months: list[str],
    open_by_month: dict[str, tuple[np.ndarray, np.ndarray]],
    lac_from: dict[str, bool],
) -> _Establishment:
    """Establishment per financial year, from the average open cases of each type at
    the caseload per FTE the district budgets for, as a council sets it once a year."""
    by_year: dict[str, dict[str, list[int]]] = {}
    for m in months:
        _, kind = open_by_month[m]
        counts = by_year.setdefault(_financial_year(m), {})
        for team_type in (FIELDWORK, LOOKED_AFTER, ADOLESCENT, DISABLED):
            if team_type == LOOKED_AFTER and not lac_from[m]:
                continue
            counts.setdefault(team_type, []).append(int((kind == team_type).sum()))
    budget: dict[str, dict[str, float]] = {}
    for year, counts in by_year.items():
        mid = month_start(f"{int(year) + 1}-10").toordinal() - 365
        design = profile.caseload + float(cfg.CASELOAD_DRIFT(np.array([mid]))[0])
        budget[year] = {}
        for team_type, values in counts.items():
            per_fte = design if team_type == FIELDWORK else CASES_PER_FTE[team_type]
            fte = float(np.mean(values)) / per_fte * AVERAGE_FTE
            budget[year][team_type] = max(2.0, round(fte * 2) / 2)
    fieldwork_total = max(b.get(FIELDWORK, 2.0) for b in budget.values())
    return _Establishment(budget, max(2, round(fieldwork_total / 7.5)))


def _teams(profile: cfg.DistrictProfile, n_fieldwork: int) -> tuple[list[Team], Team]:
    """The district's case-holding teams (fieldwork teams of about 7.5 FTE, disabled
    children, adolescents where the district has such a team, looked after children
    from the month that team started) and its management team."""
    code = profile.code
    teams = [
        Team(f"{code}-FW{i + 1}", FIELDWORK, f"Fieldwork team {i + 1}", "0000-00")
        for i in range(n_fieldwork)
    ]
    teams.append(Team(f"{code}-DCT", DISABLED, "Disabled children's team", "0000-00"))
    if profile.adolescent_team:
        teams.append(Team(f"{code}-ADO", ADOLESCENT, "Adolescent team", "0000-00"))
    teams.append(
        Team(f"{code}-LAC", LOOKED_AFTER, "Looked after children team", profile.lac_team_from)
    )
    return teams, Team(f"{code}-MGT", OTHER, "District management", "0000-00")


def _leavers(roster: _Roster, start: int, end: int) -> None:
    """Staff who leave during the month: agency staff move on far more often than
    permanent staff, and managers rarely."""
    for worker in roster.workers:
        if worker.left is not None:
            continue
        chance = (0.05 if worker.agency else 0.012) if worker.case_holding else 0.004
        if roster.rng.random() < chance:
            worker.left = int(roster.rng.integers(start, end + 1))


def _restaff(
    roster: _Roster,
    profile: cfg.DistrictProfile,
    teams: list[Team],
    establishment: _Establishment,
    month: str,
    end: int,
) -> None:
    """Give each team a manager and bring its case holders near its establishment
    times the district's over-establishment, with the district's agency share."""
    over = profile.over_establishment + float(cfg.OVER_ESTABLISHMENT(np.array([end]))[0])
    agency_share = profile.agency_share + float(cfg.AGENCY_DRIFT(np.array([end]))[0])
    for team in teams:
        current = [w for w in roster.workers if w.team is team and w.left is None]
        if not any(not w.case_holding for w in current):
            roster.hire(team, False, False, "Team Manager")
        target = establishment.of(team, month) * (1 + over)
        _staff_team(roster, team, current, target, agency_share, end)


def _refill_management(roster: _Roster, management: Team) -> None:
    """Management posts (a district manager, three service managers) are refilled the
    month they fall vacant, with permanent staff."""
    for grade, posts in (("District Manager", 1), ("Service Manager", 3)):
        filled = sum(
            w.team is management and w.grade == grade and w.left is None for w in roster.workers
        )
        for _ in range(posts - filled):
            roster.hire(management, False, False, grade)


def _staff_team(
    roster: _Roster,
    team: Team,
    current: list[Worker],
    target: float,
    agency_share: float,
    end: int,
) -> None:
    """Hire or release so permanent and agency FTE sit near their targets."""
    holders = [w for w in current if w.case_holding]
    perm_target = target * (1 - agency_share)
    agency_target = target * agency_share
    perm = [w for w in holders if not w.agency]
    agency = [w for w in holders if w.agency]
    while sum(w.fte for w in perm) < perm_target - 0.5:
        grade = "Senior Practitioner" if roster.rng.random() < 0.3 else "Social Worker"
        perm.append(roster.hire(team, True, False, grade))
    while sum(w.fte for w in perm) > perm_target + 0.5:  # moved to another district
        perm.pop(int(roster.rng.integers(len(perm)))).left = end
    while sum(w.fte for w in agency) < agency_target - 0.5:
        agency.append(roster.hire(team, True, True, "Agency Social Worker"))
    while agency and sum(w.fte for w in agency) > agency_target + 0.5:
        agency.pop().left = end


def _allocate(
    world: DistrictWorld,
    staff: list[Worker],
    everyone: list[Worker],
    open_: np.ndarray,
    kind: np.ndarray,
    assigned: dict[int, str],
    start: int,
    end: int,
    rng: np.random.Generator,
) -> list[tuple[int, str | None, int | None]]:
    """Keep each open case with its worker; give the rest to the least-loaded colleague."""
    cases = world.cases
    holders = {w.worker_id: w for w in staff if w.case_holding}
    left_this_month = {
        w.worker_id: w.left for w in everyone if w.left is not None and w.left >= start
    }
    load: dict[str, int] = dict.fromkeys(holders, 0)
    rows: list[tuple[int, str | None, int | None]] = []
    waiting: list[int] = []
    order = np.argsort(cases.number[open_], kind="stable")
    for position in order.tolist():
        case = int(open_[position])
        team_type = kind[position]
        if cases.allocated[case] > end:
            assigned.pop(case, None)
            rows.append((case, None, int(cases.start[case])))
            continue
        worker_id = assigned.get(case)
        worker = holders.get(worker_id) if worker_id else None
        if worker is not None and worker.team.team_type == team_type:
            load[worker_id] += 1
            rows.append((case, worker_id, None))
            continue
        assigned.pop(case, None)
        if worker_id in left_this_month and rng.random() < 0.15:
            rows.append((case, None, int(left_this_month[worker_id])))
            continue
        rows.append((case, None, None))
        waiting.append(len(rows) - 1)

    heaps: dict[str, list[tuple[float, int, str]]] = {}
    for index, worker in enumerate(holders.values()):
        heaps.setdefault(worker.team.team_type, []).append(
            (load[worker.worker_id] / worker.fte, index, worker.worker_id)
        )
    for heap in heaps.values():
        heapq.heapify(heap)
    for row_index in waiting:
        case = rows[row_index][0]
        team_type = kind[np.searchsorted(open_, case)]
        heap = heaps.get(team_type) or heaps[FIELDWORK]
        _, index, worker_id = heapq.heappop(heap)
        load[worker_id] += 1
        heapq.heappush(heap, (load[worker_id] / holders[worker_id].fte, index, worker_id))
        assigned[case] = worker_id
        rows[row_index] = (case, worker_id, None)
    return rows
