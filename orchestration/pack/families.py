"""The pack's sections: indicators grouped as the committee report groups them.

The family follows the extract an indicator is built from (indicators.md's `needs`):
when the warehouse's dim_indicator carries `needs`, that decides; otherwise the code's
prefix, which names the same extract for every indicator of the catalogue.
"""

from __future__ import annotations

from orchestration.catalogue import needed_extracts

FAMILIES = (
    "Referrals",
    "Assessments",
    "Child protection and looked after",
    "Unallocated cases",
    "Workforce",
    "Other indicators",
)

# the first extract an indicator needs -> its family (AVG_CASELOAD needs workforce first)
_BY_EXTRACT = {
    "referrals": "Referrals",
    "initial_assessments": "Assessments",
    "core_assessments": "Assessments",
    "cp_plans": "Child protection and looked after",
    "looked_after": "Child protection and looked after",
    "allocations": "Unallocated cases",
    "workforce": "Workforce",
    "establishment": "Workforce",
}

_BY_PREFIX = {
    "REF_": "Referrals",
    "IA_": "Assessments",
    "CA_": "Assessments",
    "CP_": "Child protection and looked after",
    "LAC_": "Child protection and looked after",
    "UNALLOC_": "Unallocated cases",
    "AGENCY_": "Workforce",
    "ESTAB_": "Workforce",
    "PERM_": "Workforce",
    "AVG_CASELOAD": "Workforce",
}


def family_of(code: str, needs: str | None = None) -> str:
    """The family of an indicator, from its `needs` (e.g. "workforce|allocations") if
    given, else from its code; an indicator neither names is in "Other indicators"."""
    if needs:
        first = needed_extracts(needs)[0]
        if first in _BY_EXTRACT:
            return _BY_EXTRACT[first]
    for prefix, family in _BY_PREFIX.items():
        if code.startswith(prefix):
            return family
    return FAMILIES[-1]
