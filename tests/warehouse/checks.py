"""Comparing a warehouse row with figures worked out by hand."""

from __future__ import annotations

import pytest

NOT_OK = {"value": None, "numerator": None, "denominator": None}


def approx(expected):
    """Floats within a relative 1e-9; ints, text and None exactly."""
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-9, abs=1e-12)
    return expected


def expect(row: dict, **expected) -> None:
    """Assert the named columns of a scorecard row (others are not looked at)."""
    actual = {name: row[name] for name in expected}
    assert actual == {name: approx(value) for name, value in expected.items()}


def expect_status(row: dict, status: str) -> None:
    """A row without a value: null value, numerator and denominator, no RAG, rank or trend."""
    expect(row, data_status=status, rag=None, direction=None, district_rank=None, **NOT_OK)
