"""Months read and judged on every core, in order, a few at a time.

Reading, parsing and the contracts' checks cost seconds per month of a county and need
nothing from the working database, so worker processes do them while this process
writes each month as it comes back, in month order. Only a few months are in flight at
once (``AHEAD`` per worker), so memory does not grow with history.

Workers are started by a fork server (a clean process, not a copy of a run with
threads and an open database) and cost a few seconds of imports, so a run with only a
few months to read reads them here instead.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context

from orchestration.landing import Landing
from orchestration.loading.load import Load
from orchestration.loading.months import load_month
from orchestration.pseudonym import Pseudonymiser

PARALLEL_FROM = 12
"""Months to read before worker processes pay for their start-up."""
AHEAD = 2
"""Months in flight per worker."""


def workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def month_loads(
    landing: Landing,
    months: list[tuple[str, list[str]]],
    pseudonymiser: Pseudonymiser,
    now: datetime,
    processes: int | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> Iterator[Load]:
    """Each (month, districts) loaded (loading.months.load_month), in the given order."""
    processes = processes or workers()
    to_read = sum(1 for _, districts in months if districts)
    if processes < 2 or to_read < parallel_from:
        for month, districts in months:
            yield load_month(landing, month, districts, pseudonymiser, now)
        return
    with ProcessPoolExecutor(processes, mp_context=get_context("forkserver")) as pool:
        waiting = iter(months)
        in_flight: deque = deque()

        def submit_next() -> None:
            if (job := next(waiting, None)) is not None:
                month, districts = job
                in_flight.append(
                    pool.submit(load_month, landing, month, districts, pseudonymiser, now)
                )

        for _ in range(processes * AHEAD):
            submit_next()
        while in_flight:
            load = in_flight.popleft().result()
            submit_next()
            yield load
