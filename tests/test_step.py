"""The step a formula sees (:mod:`lrdecay._step`): exact comparisons, shifts, periods and what
remains to an end, checked against exact rational arithmetic (``fractions``), never against
lrdecay's own output."""

from __future__ import annotations

from fractions import Fraction

from lrdecay._step import as_ratio


def test_as_ratio_reads_numbers_as_written() -> None:
    assert as_ratio(2.5) == Fraction(5, 2)
    assert as_ratio(1.1) == Fraction(11, 10)
    assert as_ratio(7) == Fraction(7)
    assert as_ratio(3.0) == Fraction(3)
