"""Imports started early, in a thread, so that a step which needs a slow module finds it
imported instead of waiting for it.

The dbt step starts them: dbt works in a child process, which leaves this process idle
for the half a minute or more that dbt takes, while great-expectations (the checks after
dbt) and the committee pack's matplotlib cost seconds of CPU to import. A second import of
a module waits for the first to finish, so a step that comes too early is still correct.
"""

from __future__ import annotations

import importlib
import threading

AFTER_DBT = ("great_expectations", "orchestration.pack")


def import_in_background(modules: tuple[str, ...] = AFTER_DBT) -> threading.Thread:
    """Start importing ``modules`` one after the other in a daemon thread."""

    def load() -> None:
        for module in modules:
            importlib.import_module(module)

    thread = threading.Thread(target=load, name="preload", daemon=True)
    thread.start()
    return thread
