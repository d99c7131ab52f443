"""Every contract by the name its file lands under."""

from contracts import (
    allocations,
    core_assessments,
    cp_plans,
    districts,
    establishment,
    initial_assessments,
    looked_after,
    population,
    referrals,
    targets,
    workforce,
)
from contracts.base import Contract

DISTRICT_EXTRACTS: dict[str, Contract] = {
    module.CONTRACT.name: module.CONTRACT
    for module in (
        referrals,
        initial_assessments,
        core_assessments,
        cp_plans,
        looked_after,
        allocations,
        workforce,
        establishment,
    )
}

REFERENCE_FILES: dict[str, Contract] = {
    module.CONTRACT.name: module.CONTRACT for module in (districts, population, targets)
}
