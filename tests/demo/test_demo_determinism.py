"""Same seed, same bytes; an occupied folder is never written into."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Landing, walk

from scorecard_demo import generate_landing


def test_same_seed_writes_identical_bytes_even_under_another_hash_seed(landing: Landing):
    """A second process with a different PYTHONHASHSEED: no set or dict order leaks in."""
    out, err = landing.twin.process.communicate(timeout=120)
    assert landing.twin.process.returncode == 0, err
    first = {p.relative_to(landing.root): p.read_bytes() for p in walk(landing.root)}
    second = {p.relative_to(landing.twin.root): p.read_bytes() for p in walk(landing.twin.root)}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    manifest = landing.manifest
    assert out.strip() == repr((manifest.files, manifest.bad_rows, manifest.quirks))


def test_another_seed_writes_other_data(tmp_path: Path):
    manifest = generate_landing(tmp_path / "other", "2011-11", "2012-01", seed=7)
    assert [f.reporting_month for f in manifest.files][0] == "2011-11"
    referrals = (tmp_path / "other" / "2011-11" / "ASH" / "referrals.csv").read_bytes()
    assert referrals  # a short run still lands every extract


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    (tmp_path / "keep.txt").write_text("someone's work")
    with pytest.raises(FileExistsError):
        generate_landing(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_generation_takes_a_few_seconds(landing: Landing):
    assert landing.seconds < 8  # about 2.5 s of CPU on a quiet machine
