"""Small hand-built landing folders for the warehouse tests, one district per scenario.

Every listed district sends every extract every month as a header-only file (submitted,
zero records) unless its scenario below says otherwise, so the figures of the other
districts (and the county sums) stay small enough to work out by hand in the tests.
"""

from __future__ import annotations

HEADERS = {
    "referrals": "referral_id,child_id,referral_date",
    "initial_assessments": "assessment_id,child_id,referral_date,start_date,completed_date",
    "core_assessments": "assessment_id,child_id,start_date,completed_date",
    "cp_plans": "plan_id,child_id,start_date,end_date,category",
    "looked_after": "period_id,child_id,start_date,end_date,legal_status",
    "allocations": "case_id,child_id,case_start_date,worker_id,unallocated_since",
    "workforce": "worker_id,team_code,team_type,case_holding,employment_type,fte",
    "establishment": "team_code,team_type,establishment_fte",
}


def month_range(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class Landing:
    """``{relative path: content}`` of a landing folder, header-only extracts by default."""

    def __init__(self, districts: dict[str, str], months: list[str]):
        self.files: dict[str, str | bytes] = {
            "reference/districts.csv": "district_code,district_name\n"
            + "".join(f"{code},{name}\n" for code, name in districts.items()),
        }
        for month in months:
            for district in districts:
                for extract, header in HEADERS.items():
                    self.files[self.path(month, district, extract)] = header + "\n"

    @staticmethod
    def path(month: str, district: str, extract: str) -> str:
        return f"{month}/{district}/{extract}.csv"

    def reference(self, name: str, text: str) -> None:
        self.files[f"reference/{name}.csv"] = text

    def rows(self, month: str, district: str, extract: str, *rows: str) -> None:
        """Append data rows (CSV lines in HEADERS' column order) to that month's file."""
        self.files[self.path(month, district, extract)] += "".join(row + "\n" for row in rows)

    def replace(self, month: str, district: str, extract: str, content: str | bytes) -> None:
        self.files[self.path(month, district, extract)] = content

    def omit(self, month: str, district: str, extract: str) -> None:
        del self.files[self.path(month, district, extract)]


# ---------------------------------------------------------------------------------------
# The scenario landing: 14 months, March 2011 (financial year 2010-11) to April 2012
# (2012-13), so a rolling-12 window is complete from February 2012, and the months cross
# Easter and the royal wedding (22, 25, 29 April and 2 May 2011) and Christmas 2011
# (26, 27 December 2011 and 2 January 2012).
# ---------------------------------------------------------------------------------------

SCENARIO_MONTHS = month_range("2011-03", "2012-04")

SCENARIO_DISTRICTS = {
    "REF": "Referrals",  # referrals: late, corrected, rolling 12; population by year
    "GAP": "Gaps",  # referrals rejected whole / header only; IA missing one month
    "IA": "Initial",  # initial assessments: 7 vs 8 working days, month-end, YTD
    "CA": "Core",  # core assessments: 35 vs 36 working days
    "ALLOC": "Allocations",  # unallocated cases, 28 days; RAG and direction
    "CP": "Protection",  # child protection plans and looked-after periods
    "WF": "Workforce",  # workforce, establishment, caseload
    "WFX": "Workforce edge",  # zero establishment, missing and rejected files
}

# Populations by year. Months of 2011 take each district's latest year <= 2011, months of
# 2012 the latest year <= 2012 (REF's 2013 row is never used); GAP has only 2012, so 2011
# falls back to its earliest year.
#   2011: REF 2000 + GAP 4000 + IA, CA, ALLOC, WF, WFX 1000 each + CP 500 = 11,500
#   2012: REF 2500 + GAP 4000 + 5 x 1000 + CP 800 = 12,300
SCENARIO_POPULATION = """district_code,year,population_0_17
REF,2010,2000
REF,2012,2500
REF,2013,5000
GAP,2012,4000
IA,2011,1000
CA,2011,1000
ALLOC,2011,1000
CP,2011,500
CP,2012,800
WF,2011,1000
WFX,2011,1000
"""

SCENARIO_TARGETS = """indicator_code,financial_year,district_code,target,tolerance_pct
REF_RATE_12M,2011-12,,50,10
REF_RATE_12M,2011-12,ALL,20,
REF_RATE_12M,2012-13,REF,52,0
UNALLOC_COUNT,2009-10,,1,0
UNALLOC_COUNT,2010-11,,10,
UNALLOC_COUNT,2011-12,,10,0
UNALLOC_COUNT,2011-12,ALLOC,4,25
IA_7WD_PCT,2011-12,,50,20
CA_35WD_PCT,2011-12,CA,50,0
PERM_FILLED_PCT,2011-12,WF,80,10
PERM_FILLED_PCT,2011-12,WFX,29,0
PERM_FILLED_PCT,2012-13,WFX,4,10
AGENCY_FTE_PCT,2010-11,,40,10
AGENCY_FTE_PCT,2011-12,WF,5,10
LAC_COUNT,2011-12,,2,10
"""


def scenario_landing() -> dict[str, str | bytes]:
    landing = Landing(SCENARIO_DISTRICTS, SCENARIO_MONTHS)
    landing.reference("population", SCENARIO_POPULATION)
    landing.reference("targets", SCENARIO_TARGETS)
    _referrals(landing)
    _gaps(landing)
    _initial_assessments(landing)
    _core_assessments(landing)
    _allocations(landing)
    _protection(landing)
    _workforce(landing)
    _workforce_edges(landing)
    return landing.files


def _referrals(landing: Landing) -> None:
    """REF: each referral's latest version, by referral_date (comments: where it counts)."""
    rows = {
        "2011-03": [
            "R1,CR1,2011-02-25",  # February 2011: before the data begins
            "R2,CR2,2011-03-01",
            "R3,CR3,2011-03-31",  # corrected to 2011-04-01 in the 2012-03 submission
        ],
        "2011-04": ["R4,CR4,2011-04-29", "R2,CR2,2011-03-01"],  # R2 re-sent unchanged
        "2011-05": ["R5,CR5,2011-05-10", "R5,CR5,2011-05-10"],  # one record, sent twice
        "2011-06": ["R6,CR6,2011-06-15"],
        "2011-07": ["R7,CR7,2011-07-05"],  # corrected to 2011-09-05 in the 2011-10 one
        "2011-08": ["R8,CR8,2011-06-20", "R9,CR9,2011-08-01"],  # R8 arrives late for June
        "2011-09": ["R9,CR9,1/8/2011"],  # R9 re-sent day-first: still 1 August 2011
        "2011-10": ["R7,CR7,2011-09-05"],
        # R5 twice with different dates: a conflicting duplicate, both rows rejected, so
        # R5 keeps its May version.
        "2011-11": ["R10,CR10,2011-11-30", "R5,CR5,2011-11-01", "R5,CR5,2011-11-02"],
        "2011-12": ["R11,CR11,2011-12-25", "R12,CR12,2011-12-31"],
        "2012-01": ["R13,CR13,2012-01-01"],
        "2012-02": ["R14,CR14,2012-02-29"],
        "2012-03": ["R15,CR15,2012-03-01", "R16,CR16,2012-03-31", "R3,CR3,2011-04-01"],
        "2012-04": ["R17,CR17,2012-04-30"],
    }
    for month, lines in rows.items():
        landing.rows(month, "REF", "referrals", *lines)


def _gaps(landing: Landing) -> None:
    # Referrals: March 2011's file is zero bytes (rejected whole: not submitted); April's
    # has only its header (submitted, zero records).
    landing.replace("2011-03", "GAP", "referrals", b"")
    landing.rows("2011-05", "GAP", "referrals", "G1,CG1,2011-05-03")
    # June: the file's only row is rejected (no 30 February); the file itself is loaded.
    landing.rows("2011-06", "GAP", "referrals", "GBAD,CGB,2011-02-30")
    # Records are keyed by (district, id): GAP's R4 is not REF's R4.
    landing.rows("2011-07", "GAP", "referrals", "R4,CGX,2011-07-10")
    landing.rows("2012-03", "GAP", "referrals", "G2,CG2,2012-03-15")
    # Initial assessments: no file at all in June 2011.
    landing.omit("2011-06", "GAP", "initial_assessments")
    ia = "initial_assessments"
    landing.rows("2011-05", "GAP", ia, "GI1,CGI1,2011-05-02,2011-05-03,2011-05-10")  # 6 wd
    landing.rows(
        "2011-08",
        "GAP",
        ia,
        "GI2,CGI2,2011-08-01,2011-08-01,2011-08-10",  # 7 wd: within
        "GI3,CGI3,2011-08-01,2011-08-01,2011-08-11",  # 8 wd: not within
        "GI4,CGI4,2011-08-01,2011-08-01,2011-08-02",  # 1 wd: within
        "GI5,CGI5,2011-08-01,2011-08-01,2011-08-31",  # 21 wd (29 Aug is a holiday)
    )
    landing.rows("2012-04", "GAP", ia, "GI6,CGI6,2012-04-02,2012-04-02,2012-04-20")  # 12 wd


def _initial_assessments(landing: Landing) -> None:
    ia = "initial_assessments"
    landing.rows("2011-03", "IA", ia, "I0,CI0,2011-03-01,2011-03-02,2011-03-10")  # 7 wd
    # Open at the end of April 2011, completed in May across Easter and the royal wedding.
    landing.rows(
        "2011-04",
        "IA",
        ia,
        "I1,CI1,2011-04-20,2011-04-21,",
        "I2,CI2,2011-04-20,2011-04-21,",
        "I3,CI3,2011-04-18,2011-04-18,",
        "I4,CI4,2011-04-11,2011-04-12,",
    )
    landing.rows(
        "2011-05",
        "IA",
        ia,
        "I1,CI1,2011-04-20,2011-04-21,2011-05-05",
        "I2,CI2,2011-04-20,2011-04-21,2011-05-06",
        "I3,CI3,2011-04-18,2011-04-18,2011-05-03",
        "I4,CI4,2011-04-11,2011-04-12,2011-05-20",
    )
    landing.rows(
        "2011-08",
        "IA",
        ia,
        "I11,CI11,2011-08-01,2011-08-01,2011-08-10",
        "I12,CI12,2011-08-01,2011-08-02,2011-08-31",
    )
    # Open at the end of December 2011, completed in January across Christmas.
    landing.rows(
        "2011-12",
        "IA",
        ia,
        "I5,CI5,2011-12-20,2011-12-20,",
        "I6,CI6,2011-12-20,2011-12-21,",
        "I7,CI7,2011-12-19,2011-12-19,",
        "I8,CI8,2011-12-16,2011-12-16,",
        "I10,CI10,2011-12-05,2011-12-06,",
    )
    landing.rows(
        "2012-01",
        "IA",
        ia,
        "I5,CI5,2011-12-20,2011-12-20,2012-01-03",
        "I6,CI6,2011-12-20,2011-12-21,2012-01-04",
        "I7,CI7,2011-12-19,2011-12-19,2012-01-05",
        "I8,CI8,2011-12-16,2011-12-16,2012-01-10",
        "I9,CI9,2011-12-01,2012-01-05,",  # referred in December, started in January
        "I10,CI10,2011-12-05,2011-12-06,2011-12-30",  # completion recorded late
    )
    landing.rows("2012-02", "IA", ia, "I9,CI9,2011-12-01,2012-01-05,2012-02-01")
    landing.rows("2012-04", "IA", ia, "I13,CI13,2012-04-02,2012-04-02,2012-04-10")


def _core_assessments(landing: Landing) -> None:
    ca = "core_assessments"
    landing.rows("2011-03", "CA", ca, "CA1,CC1,2011-03-16,", "CA2,CC2,2011-03-15,")
    landing.rows(
        "2011-05", "CA", ca, "CA1,CC1,2011-03-16,2011-05-10", "CA2,CC2,2011-03-15,2011-05-10"
    )
    landing.rows("2011-08", "CA", ca, "CA6,CC6,2011-06-01,2011-06-30")  # late, for June
    landing.rows("2011-09", "CA", ca, "CA6,CC6,2011-06-01,2011-07-01")  # corrected to July
    landing.rows("2011-10", "CA", ca, "CA3,CC3,2011-10-03,")
    landing.rows("2011-11", "CA", ca, "CA4,CC4,2011-11-08,", "CA5,CC5,2011-11-09,")
    landing.rows("2011-12", "CA", ca, "CA3,CC3,2011-10-03,2011-12-31")
    # CA7 is never sent again: it stays open (absence never deletes).
    landing.rows("2012-01", "CA", ca, "CA4,CC4,2011-11-08,2012-01-12", "CA7,CC7,2012-01-02,")
    landing.rows("2012-02", "CA", ca, "CA5,CC5,2011-11-09,2012-02-03")
    # One initial assessment, for the district rank of August 2011.
    landing.rows(
        "2011-08", "CA", "initial_assessments", "CI1,CCI1,2011-08-01,2011-08-01,2011-08-03"
    )


def _unallocated(prefix: str, count: int, since: str) -> list[str]:
    return [f"{prefix}{i},C{prefix}{i},2011-01-01,,{since}" for i in range(1, count + 1)]


def _allocations(landing: Landing) -> None:
    al = "allocations"
    landing.rows(
        "2011-03",
        "ALLOC",
        al,
        "A1,CA1,2011-01-01,AW1,",
        "A2,CA2,2011-01-01,,2011-03-03",  # 28 days before 31 March
        "A3,CA3,2011-01-01,,2011-03-02",  # 29 days
        "A4,CA4,2011-01-01,AW2,n/a",  # allocated: unallocated_since is ignored
    )
    landing.rows(
        "2011-05",
        "ALLOC",
        al,
        "A5,CA5,2011-01-01,,2011-05-01",  # 30 days before 31 May
        "A6,CA6,2011-01-01,,2011-05-03",  # 28 days
        "A7,CA7,2011-01-01,,2011-05-31",  # 0 days
    )
    june = _unallocated("JUN", 4, "2011-06-01")  # 29 days; the first row sent twice
    landing.rows("2011-06", "ALLOC", al, *june, june[0])
    landing.rows("2011-07", "ALLOC", al, *_unallocated("JUL", 5, "2011-07-01"))  # 30 days
    landing.rows("2011-08", "ALLOC", al, *_unallocated("AUG", 6, "2011-08-03"))  # 28 days
    landing.omit("2011-09", "ALLOC", al)
    landing.rows("2011-10", "ALLOC", al, *_unallocated("OCT", 5, "2011-10-01"))  # 30 days
    landing.rows("2011-11", "ALLOC", al, *_unallocated("NOV", 5, "2011-11-01"))  # 29 days
    landing.rows(
        "2012-02",
        "ALLOC",
        al,
        "B1,CB1,2011-01-01,,2012-02-01",  # 28 days before 29 February 2012
        "B2,CB2,2011-01-01,,2012-01-31",  # 29 days
    )
    # Another district's plan for the child SHARED (see _protection).
    landing.rows("2011-05", "ALLOC", "cp_plans", "PA1,SHARED,2011-05-15,,neglect")
    # A second district with six unallocated cases in August, for a tied rank.
    landing.rows("2011-08", "CP", al, *_unallocated("CPA", 6, "2011-08-01"))  # 30 days


def _protection(landing: Landing) -> None:
    cp = "cp_plans"
    landing.rows(
        "2011-03",
        "CP",
        cp,
        "P1,C1,2011-01-10,,neglect",
        "P2,C1,2011-02-01,,physical",  # a second open plan for the same child
        "P3,C2,2011-03-31,,neglect",  # start corrected to 2011-04-01 in June
        "P4,C3,2011-02-01,2011-03-31,neglect",  # ends on the month end
        "P5,C4,2010-05-01,,neglect",  # ends 2011-04-01 (April's submission)
    )
    landing.rows(
        "2011-04",
        "CP",
        cp,
        "P2,C1,2011-02-01,2011-04-15,physical",
        "P5,C4,2010-05-01,2011-04-01,neglect",
        "P6,C5,2011-04-30,,neglect",
    )
    landing.rows(
        "2011-05",
        "CP",
        cp,
        "P1,C1,2011-01-10,2011-05-31,neglect",
        "P7,SHARED,2011-05-01,,emotional",
    )
    landing.rows(
        "2011-06",
        "CP",
        cp,
        "P8,C6,2011-04-10,,neglect",  # arrives late: open since April
        "P3,C2,2011-04-01,,neglect",
    )
    landing.rows("2011-12", "CP", cp, "P6,C5,2011-04-30,2011-12-25,neglect")

    la = "looked_after"
    landing.rows(
        "2011-03",
        "CP",
        la,
        "L1,K1,2011-03-01,,",
        "L2,K1,2011-03-15,,V20",  # a second open period for the same child
        "L3,K2,2011-03-31,2011-03-31,",  # starts and ends on the month end
    )
    landing.rows("2011-04", "CP", la, "L1,K1,2011-03-01,2011-04-30,", "L4,K3,2011-04-29,,")
    landing.rows("2011-06", "CP", la, "L5,K4,2011-05-20,2011-06-01,")  # late, for May


def _workforce(landing: Landing) -> None:
    landing.rows(
        "2011-03",
        "WF",
        "workforce",
        "W1,FW1,fieldwork,true,permanent,1.0",
        "W2,FW1,fieldwork,true,agency,0.5",
        "W3,FW1,fieldwork,false,permanent,1.0",  # not case-holding
        "W4,LA1,looked_after,true,permanent,0.8",
        "W5,LA1,looked_after,true,agency,1.0",
        "W6,FW2,fieldwork,yes,permanent,0.2",
        "W7,LA1,looked_after,n,agency,0.6",  # not case-holding
    )
    landing.rows(
        "2011-03",
        "WF",
        "establishment",
        "FW1,fieldwork,2.0",
        "FW2,fieldwork,1.0",
        "LA1,looked_after,2.5",
        "EMPTY,other,0.5",  # a team with an establishment and no workers
    )
    landing.rows(
        "2011-03",
        "WF",
        "allocations",
        "K1,CK1,2011-01-01,W1,",
        "K2,CK2,2011-01-01,W1,",
        "K3,CK3,2011-01-01,W1,",
        "K4,CK4,2011-01-01,W2,",
        "K5,CK5,2011-01-01,W3,",  # not case-holding
        "K6,CK6,2011-01-01,W4,",  # looked_after team
        "K7,CK7,2011-01-01,W6,",
        "K8,CK8,2011-01-01,,2011-03-01",  # unallocated, 30 days
        "K9,CK9,2011-01-01,W99,",  # not in the workforce
    )
    # From April 2011: one fieldwork team of establishment 10 FTE, permanent workers only.
    permanent_fte = {"2011-04": [1.0] * 8, "2011-05": [1.0] * 7 + [0.2]}
    permanent_fte["2011-06"] = [1.0] * 7 + [0.1]
    for month in SCENARIO_MONTHS[1:]:
        ftes = permanent_fte.get(month, [1.0] * 9)
        landing.rows(
            month,
            "WF",
            "workforce",
            *(f"P{i},FW1,fieldwork,true,permanent,{fte}" for i, fte in enumerate(ftes)),
        )
        landing.rows(month, "WF", "establishment", "FW1,fieldwork,10.0")
    # October 2011: also an agency worker of 0.55 FTE and a permanent one of 0.45.
    landing.rows(
        "2011-10",
        "WF",
        "workforce",
        "AG1,FW1,fieldwork,true,agency,0.55",
        "PX,FW1,fieldwork,true,permanent,0.45",
    )
    landing.rows(
        "2011-10",
        "WF",
        "allocations",
        "KP,CKP,2011-01-01,P0,",
        "KL,CKL,2011-01-01,p0,",  # ids compare case-sensitively: no worker p0
        "KX,CKX,2011-01-01,X1,",  # X1 is WFX's worker, not WF's
    )
    # CA, July 2011: permanent FTE 0.1 + 0.19 against an establishment of 1.0.
    landing.rows(
        "2011-07",
        "CA",
        "workforce",
        "CX1,CT,fieldwork,true,permanent,0.1",
        "CX2,CT,fieldwork,true,permanent,0.19",
    )
    landing.rows("2011-07", "CA", "establishment", "CT,fieldwork,1.0")


def _workforce_edges(landing: Landing) -> None:
    wf, est = "workforce", "establishment"
    landing.rows("2011-03", "WFX", wf, "X1,T1,fieldwork,true,permanent,1.0")  # est: header
    landing.rows("2011-04", "WFX", wf, "X1,T1,fieldwork,true,permanent,1.0")
    landing.omit("2011-04", "WFX", est)
    landing.omit("2011-05", "WFX", wf)
    landing.rows("2011-05", "WFX", est, "T1,fieldwork,1.0")
    landing.rows("2011-06", "WFX", est, "T1,fieldwork,1.0")  # workforce: header only
    landing.rows("2011-06", "WFX", "allocations", "Z1,CZ1,2011-01-01,X1,")
    landing.rows("2011-07", "WFX", wf, "X1,T1,fieldwork,true,permanent,0.29")
    landing.rows("2011-07", "WFX", est, "T1,fieldwork,1.0")
    landing.rows(
        "2011-08",
        "WFX",
        wf,
        "X1,T1,fieldwork,true,permanent,0.1",
        "X2,T1,fieldwork,true,permanent,0.19",
    )
    landing.rows("2011-08", "WFX", est, "T1,fieldwork,1.0")
    # September: the workforce file lacks the required fte column, so it is rejected whole.
    landing.replace(
        "2011-09",
        "WFX",
        wf,
        "worker_id,team_code,team_type,case_holding,employment_type\n"
        "X1,T1,fieldwork,true,permanent\n",
    )
    landing.rows("2011-09", "WFX", est, "T1,fieldwork,1.0")
    for month in SCENARIO_MONTHS[7:-1]:  # October 2011 .. March 2012
        landing.rows(month, "WFX", wf, "X1,T1,fieldwork,true,permanent,1.0")
        landing.rows(month, "WFX", est, "T1,fieldwork,1.0")
    landing.rows("2012-04", "WFX", wf, "X1,T1,fieldwork,true,permanent,0.36")
    landing.rows("2012-04", "WFX", est, "T1,fieldwork,10.0")


# ---------------------------------------------------------------------------------------
# The sparse landing: a district without population, a month folder with no listed
# district between two that have one, and folders that must not count as months.
# ---------------------------------------------------------------------------------------

SPARSE_DISTRICTS = {"NP": "No population", "OK1": "One"}


def sparse_landing() -> dict[str, str | bytes]:
    landing = Landing(SPARSE_DISTRICTS, ["2011-01"])
    landing.reference("population", "district_code,year,population_0_17\nOK1,2011,1000\n")
    landing.reference(
        "targets",
        "indicator_code,financial_year,district_code,target,tolerance_pct\n"
        "CP_RATE,2010-11,ALL,10,\n"
        "CP_COUNT,2010-11,OK1,1,0\n",
    )
    landing.rows("2011-01", "NP", "cp_plans", "NP1,N1,2011-01-05,,neglect")
    landing.rows(
        "2011-01", "OK1", "cp_plans", "O1,M1,2011-01-05,,neglect", "O2,M2,2011-01-06,,neglect"
    )
    files = landing.files
    # February: only a district that is not listed.
    files["2011-02/XYZ/referrals.csv"] = HEADERS["referrals"] + "\n"
    # March: OK1 alone, every extract header-only.
    for extract, header in HEADERS.items():
        files[f"2011-03/OK1/{extract}.csv"] = header + "\n"
    # April: OK1's folder is there, as ok1, but empty (made by the fixture); May: unlisted only.
    files["2011-05/XYZ/referrals.csv"] = HEADERS["referrals"] + "\n"
    files["2011-13/OK1/referrals.csv"] = HEADERS["referrals"] + "\n"  # not a month
    files["tmp/OK1/referrals.csv"] = HEADERS["referrals"] + "\n"  # not a month
    return files


SPARSE_EMPTY_FOLDERS = ["2011-04/ok1"]  # names match case-insensitively
