"""The pack's charts: matplotlib figures written as SVG text to be inlined in the page.

SVG keeps the file self-contained and sharp in print; text stays text
(``svg.fonttype: none``), so the page's own font draws it and a screen reader or a
search finds it. Each chart gets its own ``svg.hashsalt`` so that the ids matplotlib
gives clip paths and markers are unique in a page holding many charts. Charts draw the
warehouse's values as given: nothing is computed here but positions.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

from markupsafe import Markup  # noqa: E402
from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Colours with at least 3:1 contrast against white (WCAG 2.2, non-text contrast); no chart
# relies on them alone: the RAG is in words in the bar's label and in the table.
INK = "#1f1f1f"
VALUE = "#1f4e9c"
TARGET = "#1f1f1f"
LIMITS = "#6b6b6b"
RAG_COLOURS = {"green": "#2e7d32", "amber": "#a35f00", "red": "#c62828", None: "#6b6b6b"}
IMPROVEMENT = "#1f4e9c"
CONCERN = "#c45a00"

_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 8,
    "axes.edgecolor": LIMITS,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# no creation date (the same figures give the same file) and no link to a vocabulary
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _svg(figure: Figure, salt: str) -> Markup:
    """The figure as an inline <svg> element (from its own opening tag: an XML prolog
    and DOCTYPE have no place inside an HTML page)."""
    buffer = io.StringIO()
    with rc_context({**_STYLE, "svg.hashsalt": salt}):
        # fixed margins (set per chart), not bbox_inches="tight": that draws every chart twice
        figure.savefig(buffer, format="svg", metadata=_METADATA)
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])


def _nan(values: list[float | None]) -> list[float]:
    """None as NaN, so a month without a value is a gap in the line, not a zero."""
    return [math.nan if value is None else value for value in values]


def sparkline(values: list[float | None], salt: str) -> Markup | None:
    """A small line of the last months, the latest point marked; None when no value."""
    if all(value is None for value in values):
        return None
    with rc_context(_STYLE):
        figure = Figure(figsize=(1.5, 0.4))
        axes = figure.add_axes((0.02, 0.1, 0.96, 0.8))
        axes.plot(range(len(values)), _nan(values), color=VALUE, linewidth=1.2)
        if values[-1] is not None:
            axes.plot([len(values) - 1], [values[-1]], "o", color=VALUE, markersize=3)
        axes.set_axis_off()
    return _svg(figure, salt)


def trend_chart(
    labels: list[str],
    values: list[float | None],
    targets: list[float | None],
    salt: str,
    spc: dict[str, list] | None = None,
) -> Markup | None:
    """The county's months with the target (a step, since it may change each financial
    year) and, given ``spc`` (mean, lower_limit, upper_limit, variation lists), the XmR
    mean and limits with special-cause points marked. None when no month has a value."""

    if all(value is None for value in values):
        return None
    x = list(range(len(labels)))
    with rc_context(_STYLE):
        figure = Figure(figsize=(7.2, 2.6))
        figure.subplots_adjust(left=0.09, right=0.76, top=0.95, bottom=0.12)  # legend at right
        axes = figure.add_subplot()
        if spc is not None:
            axes.plot(x, _nan(spc["mean"]), color=LIMITS, linewidth=1, label="Mean")
            axes.plot(
                x,
                _nan(spc["upper_limit"]),
                color=LIMITS,
                linewidth=1,
                linestyle=":",
                label="Process limits",
            )
            axes.plot(x, _nan(spc["lower_limit"]), color=LIMITS, linewidth=1, linestyle=":")
        if any(target is not None for target in targets):
            axes.step(
                x,
                _nan(targets),
                where="mid",
                color=TARGET,
                linestyle="--",
                linewidth=1.2,
                label="Target",
            )
        axes.plot(
            x, _nan(values), color=VALUE, marker="o", markersize=3, linewidth=1.5, label="Value"
        )
        if spc is not None:
            for kind, colour, marker, name in (
                ("special_cause_improvement", IMPROVEMENT, "^", "Special cause: improvement"),
                ("special_cause_concern", CONCERN, "s", "Special cause: concern"),
                ("special_cause_neither", LIMITS, "D", "Special cause: neither"),
            ):
                points = [i for i, variation in enumerate(spc["variation"]) if variation == kind]
                if points:
                    axes.plot(
                        points,
                        [values[i] for i in points],
                        linestyle="none",
                        marker=marker,
                        markersize=7,
                        color=colour,
                        label=name,
                    )
        step = max(1, math.ceil(len(labels) / 8))  # at most 8 month labels, never overlapping
        axes.set_xticks(x[::step], labels[::step])
        axes.set_xlim(-0.5, len(labels) - 0.5)
        axes.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(figure, salt)


def district_chart(
    names: list[str],
    values: list[float | None],
    targets: list[float | None],
    labels: list[str],
    rags: list[str | None],
    salt: str,
) -> Markup | None:
    """Districts as horizontal bars, in the order given (ranked), each labelled with its
    figure and RAG in words (``labels``); a district's target as a tick on its bar. A
    district without a value keeps its row, labelled with its status. None when no
    district has a value."""
    if all(value is None for value in values):
        return None
    y = list(range(len(names)))
    with rc_context(_STYLE):
        height = 0.7 + 0.26 * len(names)
        figure = Figure(figsize=(7.2, height))
        # room at the left for district names, above for the legend, below for the scale
        figure.subplots_adjust(left=0.22, right=0.98, top=1 - 0.3 / height, bottom=0.35 / height)
        axes = figure.add_subplot()
        axes.barh(
            y,
            [0 if v is None else v for v in values],
            color=[RAG_COLOURS.get(rag, RAG_COLOURS[None]) for rag in rags],
            height=0.6,
        )
        if any(target is not None for target in targets):
            axes.plot(
                _nan(targets),
                y,
                linestyle="none",
                marker="|",
                markersize=14,
                markeredgewidth=2,
                color=TARGET,
                label="Target",
            )
            axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
        shown = [v for v in values + targets if v is not None]
        low, high = min(0.0, *shown), max(0.0, *shown)
        # room to the right of the longest bar for its label (dark text on white)
        axes.set_xlim(low * 1.1, high + (high - low) * 0.35 or 1.0)
        for row, value, goal, label in zip(y, values, targets, labels, strict=True):
            # after the bar and its target tick, so neither hides the label
            axes.annotate(
                label,
                (max(value or 0.0, goal or 0.0, 0.0), row),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                color=INK,
            )
        axes.set_yticks(y, names)
        axes.invert_yaxis()  # rank 1 at the top
        axes.axvline(0, color=LIMITS, linewidth=0.8)
        axes.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    return _svg(figure, salt)
