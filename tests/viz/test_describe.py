"""lrdecay.viz.describe: the facts ``lrdecay describe`` and ``lrdecay compare`` print."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lrdecay
from lrdecay import Constant, Cosine, GaussianNoise, Restarts
from lrdecay.viz.describe import (
    DENSE_POINTS,
    compare,
    dense_steps,
    describe,
    find_jumps,
)


def test_dense_steps() -> None:
    assert dense_steps([Cosine(0.1, decay_steps=100)]).tolist() == list(range(101))
    assert dense_steps([Constant(1.0)]).tolist() == list(range(1000))  # no horizon
    assert dense_steps([Constant(1.0)], 5).tolist() == list(range(5))
    far = dense_steps([Cosine(0.1, decay_steps=10**9)])
    assert far.size == DENSE_POINTS and far[0] == 0 and far[-1] == 10**9
    with pytest.raises(ValueError, match="steps must be > 0"):
        dense_steps([Constant(1.0)], 0)
    with pytest.raises(TypeError):
        dense_steps([Constant(1.0)], 2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Schedule objects"):
        dense_steps([0.1])  # type: ignore[list-item]


def test_describe_warmup_cosine() -> None:
    s = lrdecay.warmup(Cosine(init_value=0.1, decay_steps=900), steps=100)
    facts = describe(s)
    k = np.arange(1001, dtype=np.float64)
    by_hand = np.where(k < 100, 0.1 * k / 100, 0.05 * (1 + np.cos(np.pi * (k - 100) / 900)))
    assert (facts.initial, facts.peak, facts.peak_step) == (0.0, 0.1, 100)
    assert facts.warmup_end == 100 and facts.total_steps == 1000.0
    assert facts.final_step == 1000 and facts.final == pytest.approx(0.0, abs=1e-16)
    assert facts.auc == pytest.approx(np.trapezoid(by_hand, k), rel=1e-12)
    assert facts.jumps == () and facts.points == 1001
    assert json.loads(json.dumps(facts.to_dict()))["peak_step"] == 100


def test_no_warmup_when_the_curve_starts_at_its_peak_or_falls() -> None:
    assert describe(Cosine(0.1, decay_steps=100)).warmup_end is None
    assert describe(Constant(0.1)).warmup_end is None
    # a hold before the rise still counts as a warm-up (the first change is up)
    held = lrdecay.Join((Constant(0.0), lrdecay.linear(0.0, 1.0, 10), Constant(1.0)), (5, 15))
    assert describe(held).warmup_end == 15


def test_jumps_of_restarts_and_piecewise() -> None:
    sgdr = Restarts(Cosine(1.0, decay_steps=100), period_steps=100)
    assert [j.step for j in describe(sgdr).jumps] == [100, 200, 300]
    jump = describe(sgdr).jumps[0]
    assert jump.before == pytest.approx(0.0, abs=1e-3) and jump.after == 1.0
    assert jump.size == pytest.approx(1.0, abs=1e-3) and jump.step_before == 99
    steps = lrdecay.multistep(0.1, boundaries=[30, 60], decay_rate=0.1)
    found = describe(steps, 100).jumps
    assert [j.step for j in found] == [30, 60]
    np.testing.assert_allclose([j.after for j in found], [0.01, 0.001], rtol=1e-12)


def test_smooth_curves_kinks_and_noise_have_no_jumps() -> None:
    kinked = lrdecay.warmup(lrdecay.hold(Cosine(1.0, decay_steps=500), steps=200), steps=50)
    assert describe(kinked).jumps == ()
    noisy = GaussianNoise(std=Constant(0.01), seed=7) + 0.1
    assert describe(noisy, 50_000).jumps == ()


def test_find_jumps_rule() -> None:
    assert find_jumps([0], [1.0]) == []
    assert [j.step for j in find_jumps(range(4), [1.0, 1.0, 2.0, 2.0])] == [2]
    # thinned steps: the jump is reported at the first step with the new value
    assert [j.step for j in find_jumps([0, 10, 20, 30, 40], [1, 1, 1, 0, 0])] == [30]
    # tiny rounding changes on a flat curve are not jumps
    assert find_jumps(range(6), [1.0, 1.0, 1.0 + 1e-16, 1.0, 1.0, 1.0]) == []


def test_compare() -> None:
    a, b = Cosine(0.1, decay_steps=100), lrdecay.linear(0.1, 0.0, 100)
    found = compare(a, b)
    k = np.arange(101)
    diff = np.abs(a(k) - b(k))
    assert not found.identical and found.first_step == 1 and found.points == 101
    assert found.max_abs == diff.max() and diff[found.max_abs_step] == diff.max()
    assert found.mean_abs == pytest.approx(diff.mean())
    assert compare(a, Cosine(0.1, decay_steps=100)).to_dict()["identical"] is True
    # the range covers the longer of the two
    assert compare(a, Cosine(0.1, decay_steps=300)).last_step == 300
    rel = compare(Constant(0.0), Constant(1.0))
    assert rel.max_rel == 1.0 and rel.first_step == 0
