"""Value lists that the contracts and the dbt project share, read from the one place
they are written: the `value_lists` var of dbt_project/dbt_project.yml.

The contracts accept a code at the door only if it is in its list, and dbt's
accepted_values tests hold the published tables to the same list, so a list changed
there changes both.
"""

from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"


@cache
def value_list(name: str) -> tuple[str, ...]:
    """The list `name` of dbt_project.yml's `value_lists` var, e.g. `team_types`."""
    with DBT_PROJECT_FILE.open(encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle)["vars"]["value_lists"][name])
