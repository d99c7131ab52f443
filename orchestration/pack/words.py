"""The words the pack prints for the warehouse's codes: a RAG, a direction or a signal is
never shown by colour alone (WCAG 2.2 AA, 1.4.1), and a figure that is missing says why."""

from __future__ import annotations

from markupsafe import Markup, escape

from orchestration.report import display

STATUS = {
    "ok": "",
    "not_submitted": "Not submitted",
    "insufficient_history": "Insufficient history (an earlier month of its window is missing)",
    "no_denominator": "No population figure",
    "zero_denominator": "Zero denominator",
    "incomplete": "Incomplete (some districts missing)",
}
RAG = {"green": ("✓", "Green"), "amber": ("!", "Amber"), "red": ("✗", "Red")}
DIRECTION = {
    "improving": ("↗", "Improving"),
    "worsening": ("↘", "Worsening"),
    "unchanged": ("→", "Unchanged"),
}
VARIATION = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neither": "Special cause: neither better nor worse",
}
ASSURANCE = {
    "consistent_pass": "Consistently meets the target",
    "consistent_fail": "Consistently misses the target",
    "inconsistent": "Hit or miss against the target",
}
SUBMISSION = {"loaded": "Loaded", "rejected": "Rejected whole", "ignored": "Ignored"}


def status_words(status: str | None) -> str:
    if status is None:
        return "No row in the warehouse"
    return STATUS.get(status, status.replace("_", " ").capitalize())


def figure(value: float | None, unit: str) -> Markup:
    """A figure as displayed, with the warehouse's exact value in a <data> element (so a
    reader's tool, and the tests, can read it unrounded)."""
    if value is None:
        return Markup("")
    return Markup('<data value="{}">{}</data>').format(repr(float(value)), display(value, unit))


def value_or_status(cell: dict | None, unit: str) -> Markup:
    if cell is None or cell["value"] is None:
        status = None if cell is None else cell["data_status"]
        return Markup('<span class="status">{}</span>').format(status_words(status))
    return figure(cell["value"], unit)


def target(cell: dict | None, unit: str) -> Markup:
    if cell is None or cell["target"] is None:
        return Markup('<span class="status">No target</span>')
    return figure(cell["target"], unit)


def rag(cell: dict | None, polarity: str) -> Markup:
    """A badge with an icon and the word; when there is none, why in words."""
    code = None if cell is None else cell["rag"]
    if code in RAG:
        icon, word = RAG[code]
        return Markup(
            '<span class="rag rag-{}"><span aria-hidden="true">{} </span>{}</span>'
        ).format(code, icon, word)
    if polarity == "neutral":
        why = "Not rated (no better direction)"
    elif cell is None or cell["value"] is None:
        why = "Not rated (no figure)"
    elif cell["target"] is None:
        why = "Not rated (no target)"
    else:
        why = "Not rated"
    return Markup('<span class="status">{}</span>').format(why)


def direction(cell: dict | None, polarity: str) -> Markup:
    code = None if cell is None else cell["direction"]
    if code in DIRECTION:
        icon, word = DIRECTION[code]
        return Markup(
            '<span class="direction direction-{}"><span aria-hidden="true">{} </span>{}</span>'
        ).format(code, icon, word)
    why = "Not judged (no better direction)" if polarity == "neutral" else "Not judged"
    return Markup('<span class="status">{}</span>').format(why)


def rank(cell: dict | None) -> Markup:
    if cell is None or cell["district_rank"] is None:
        return Markup('<span class="status">Not ranked</span>')
    return Markup('<data value="{}">{}</data> of {}').format(
        cell["district_rank"], cell["district_rank"], cell["ranked"]
    )


def coded(cell: dict | None, column: str, words: dict[str, str]) -> Markup:
    """Variation or assurance in words, the code in a class for styling only."""
    code = None if cell is None else cell.get(column)
    if code is None:
        return Markup('<span class="status">Not judged</span>')
    return Markup('<span class="{} {}-{}">{}</span>').format(
        column, column, code, words.get(code, code)
    )


def revised(cell: dict | None, unit: str) -> Markup:
    if not cell or not cell.get("revised"):
        return Markup("")
    return Markup('<span class="revised">Revised: first published as {}</span>').format(
        figure(cell["first_published_value"], unit) or escape("no figure")
    )
