"""lrdecay.find_lr: the range test's rates, its stopping rule and its suggestion.

The reference is the noisy quadratic :math:`\\tfrac12 L w^2` under gradient descent with a
noise kick each update: the loss it settles at is :math:`\\sigma^2 / (\\eta L (2 - \\eta L))`,
lowest at :math:`\\eta = 1/L`, and the iteration diverges above :math:`\\eta = 2/L` (independent
math, not lrdecay's).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from frameworks import require
from hypothesis import given
from hypothesis import strategies as st

import lrdecay
from lrdecay import find_lr


def noisy_quadratic(curvature: float, seed: int) -> Callable[[float], float]:
    rng = np.random.default_rng(seed)
    state = {"w": 1.0}

    def step(lr: float) -> float:
        loss = 0.5 * curvature * state["w"] ** 2
        state["w"] += -lr * curvature * state["w"] + 0.1 * rng.standard_normal()
        return loss

    return step


@pytest.mark.parametrize("curvature", [0.5, 4.0, 100.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_suggestion_is_below_divergence_and_the_minimum_near_the_optimum(
    curvature: float, seed: int
) -> None:
    result = find_lr(
        noisy_quadratic(curvature, seed), start_lr=1e-5, end_lr=1e3 / curvature, num_steps=100
    )
    optimum, divergence = 1 / curvature, 2 / curvature
    assert result.stopped_early  # it diverged before 1000 / L
    assert result.lrs[-1] > divergence
    assert optimum / 4 < result.min_loss_lr <= divergence
    assert result.suggested_lr == pytest.approx(result.min_loss_lr / 10)
    assert result.suggested_lr < divergence
    assert result.steepest_lr <= result.min_loss_lr


@given(
    start=st.floats(1e-8, 1e-2),
    decades=st.floats(0.5, 8),
    n=st.integers(5, 300),
)
def test_the_rates_grow_geometrically_from_start_to_end(
    start: float, decades: float, n: int
) -> None:
    end = start * 10**decades
    result = find_lr(lambda lr: 1.0, start_lr=start, end_lr=end, num_steps=n)
    expected = [start * (end / start) ** (i / (n - 1)) for i in range(n)]
    assert result.lrs == pytest.approx(expected, rel=1e-9)
    assert not result.stopped_early and len(result.losses) == n


def test_it_stops_once_the_smoothed_loss_exceeds_diverge_times_its_minimum() -> None:
    # the loss halves 20 times, then doubles: the bias-corrected average with beta=0 is the
    # loss itself, so the test stops at the first loss above 4x the minimum
    losses = [2.0**-i for i in range(20)] + [2.0 ** (i - 19) for i in range(1, 40)]
    it = iter(losses)
    result = find_lr(lambda lr: next(it), num_steps=59, smoothing=0.0, diverge=4.0)
    assert result.losses == losses[:23]  # 2**-19 * 8 > 4 * 2**-19
    assert result.stopped_early
    assert result.min_loss_lr == result.lrs[19]


def test_a_non_finite_loss_stops_it() -> None:
    losses = iter([3.0, 2.0, 1.0, math.inf, 0.5])
    result = find_lr(lambda lr: next(losses), num_steps=5)
    assert len(result.losses) == 4 and result.stopped_early
    assert result.min_loss_lr == result.lrs[2]


def test_a_tensor_loss_is_a_loss() -> None:
    require("torch")
    import torch

    result = find_lr(lambda lr: torch.tensor(1.0 / (1 + lr)), num_steps=10)
    assert result.losses[0] == pytest.approx(1 / (1 + 1e-6))


def test_the_figure_is_drawn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    require("matplotlib")
    result = find_lr(noisy_quadratic(4.0, 0), start_lr=1e-4, end_lr=100.0)
    path = result.plot(tmp_path / "f.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    assert "suggested peak learning rate" in result.summary()


def test_the_built_in_task_suggests_a_rate_near_the_studys() -> None:
    require("torch")
    require("sklearn")
    from lrdecay.lr_finder import digits_step
    from lrdecay.study import OPTIMIZERS

    result = find_lr(digits_step("momentum"))
    peak = OPTIMIZERS["momentum"].peak_lr  # from a sweep of constant rates
    assert peak / 30 < result.suggested_lr < peak * 3
    # 10 is far too high for SGD with momentum here: the last losses are above the start
    assert min(result.losses[-5:]) > result.losses[0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(start_lr=0.0), ValueError, "start_lr must be > 0, got 0.0"),
        (dict(start_lr=1.0, end_lr=0.5), ValueError, "end_lr must be > start_lr=1.0, got 0.5"),
        (dict(num_steps=4), ValueError, "num_steps"),
        (dict(smoothing=1.0), ValueError, r"smoothing must be in \[0, 1\), got 1.0"),
        (dict(diverge=1.0), ValueError, "diverge must be > 1, got 1.0"),
        (dict(start_lr="1e-3"), TypeError, "start_lr"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        find_lr(lambda lr: 1.0, **kwargs)  # type: ignore[arg-type]


def test_bad_steps_are_named() -> None:
    with pytest.raises(TypeError, match="train_step must be callable, got int"):
        lrdecay.find_lr(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must return the loss as a number, got str"):
        lrdecay.find_lr(lambda lr: "low")  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="the first loss is not finite"):
        lrdecay.find_lr(lambda lr: math.nan)
