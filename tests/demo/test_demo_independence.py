"""The demo generator is the tests' oracle: it imports nothing from the pipeline it checks,
and the pipeline's wheel does not carry it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "scorecard_demo"
PIPELINE = {"orchestration", "contracts"}


def imported_top_levels(source: Path) -> set[str]:
    """Top-level package of every absolute import in a module (relative ones stay inside)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_demo_generator_imports_nothing_from_the_pipeline():
    modules = sorted(DEMO.glob("*.py"))
    assert len(modules) >= 14  # the package is where this test looks
    offending = {m.name: imported_top_levels(m) & PIPELINE for m in modules}
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_pipelines_wheel_does_not_package_the_demo_generator():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [
        "orchestration",
        "contracts",
    ]
    assert not (ROOT / "orchestration" / "demo").exists()
