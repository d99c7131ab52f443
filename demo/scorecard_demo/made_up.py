"""Made-up districts: a county of any size, for measuring the pipeline at scale.

Each made-up district is modelled on one of Kent's in turn (the first on Ashford,
the thirteenth on Ashford again): its need, timeliness and staffing are that
district's nudged a little, it exports in that district's house style, and it takes
that district's place in the fault plan and the targets. So a county of any size has
Kent's statistical shape (rates, timeliness, mix of file formats and faults), while
its size is an English local authority's, so that 150 districts make England.

District ``i`` depends on ``i`` alone (not on the seed nor on how many there are), so
the first districts of a larger county are those of a smaller one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .districts import DISTRICTS, DistrictProfile

# About 11.3 million children aged 0-17 in England in mid-2011, in 152 local
# authorities: about 74,000 each on average, from a few thousand to over 300,000.
MEAN_POPULATION = 74_000
POPULATION_SPREAD = 0.7  # sigma of the log-normal sizes: the median is about 58,000
STREAM = 20_120  # the random stream of made-up profiles, apart from every seed's

# 17 and 11 share no factor, so "prefix i mod 17" + "suffix i mod 11" repeats only
# after 187 districts; later ones carry a number.
_PREFIXES = (
    "Ash", "Bram", "Cole", "Dun", "Elm", "Fern", "Glen", "Hart", "Ivy",
    "Kings", "Lark", "Mill", "North", "Oak", "Pen", "Rother", "Stan",
)  # fmt: skip
_SUFFIXES = (
    "bury", "combe", "dale", "field", "ford", "ham", "ley", "mouth", "stead", "ton", "wick",
)  # fmt: skip


def made_up_districts(count: int) -> tuple[DistrictProfile, ...]:
    """``count`` made-up districts with codes like ``ASH001``, unique and upper case."""
    if count < 1:
        raise ValueError(f"a county needs at least one district, not {count}")
    return tuple(_made_up(index) for index in range(count))


def _name(index: int) -> str:
    name = _PREFIXES[index % len(_PREFIXES)] + _SUFFIXES[index % len(_SUFFIXES)]
    cycle = index // (len(_PREFIXES) * len(_SUFFIXES))
    return f"{name} {cycle + 1}" if cycle else name


def _made_up(index: int) -> DistrictProfile:
    """District ``index``: its model's profile nudged, at an English authority's size."""
    model = DISTRICTS[index % len(DISTRICTS)]
    rng = np.random.default_rng([STREAM, index])
    name = _name(index)
    size = rng.lognormal(np.log(MEAN_POPULATION) - POPULATION_SPREAD**2 / 2, POPULATION_SPREAD)
    return replace(
        model,
        code=f"{name[:3].upper()}{index + 1:03d}",
        name=name,
        population_2011=int(np.clip(round(size, -2), 5_000, 350_000)),
        need=_nudge(model.need * np.exp(rng.normal(0, 0.1))),
        ia_timeliness=_nudge(model.ia_timeliness + rng.normal(0, 0.02)),
        ia_tail=_nudge(model.ia_tail * np.exp(rng.normal(0, 0.1))),
        ca_timeliness=_nudge(model.ca_timeliness + rng.normal(0, 0.02)),
        slow_allocation=_nudge(model.slow_allocation * np.exp(rng.normal(0, 0.1))),
        caseload=_nudge(model.caseload + rng.normal(0, 0.75), 1),
        over_establishment=_nudge(model.over_establishment + rng.normal(0, 0.01)),
        agency_share=_nudge(np.clip(model.agency_share + rng.normal(0, 0.02), 0.02, 0.3)),
        house_style=model.code,
    )


def _nudge(value: float, digits: int = 2) -> float:
    """A nudged figure, rounded as Kent's table gives them."""
    return round(float(value), digits)
