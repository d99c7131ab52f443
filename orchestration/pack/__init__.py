"""The committee pack: the monthly scorecard report as one self-contained HTML file,
made from the published warehouse (render.py; `scorecard report`; the Dagster asset
`report/committee_pack`)."""

from orchestration.pack.render import PackSummary, render_pack, write_pack

__all__ = ["PackSummary", "render_pack", "write_pack"]
