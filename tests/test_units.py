"""Time units: durations in steps, epochs and fractions of training, converted by a Clock.

Expected step counts are written here from the definitions (integer arithmetic and fractions),
never from lrdecay's output.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lrdecay
from lrdecay import (
    WSD,
    Clock,
    Cosine,
    Duration,
    Join,
    OneCycle,
    epochs,
    fraction,
    from_config,
    linear,
    multistep,
    steps,
    to_config,
    warmup,
)


def test_cosine_over_10_epochs_is_cosine_over_1000_steps() -> None:
    clock = Clock(steps_per_epoch=100)
    s = clock.build(Cosine, 0.1, decay_steps=epochs(10))
    assert s == Cosine(0.1, decay_steps=1000)
    k = np.arange(0, 1500, 7)
    assert (s(k) == Cosine(0.1, 1000)(k)).all()
    assert to_config(s) == to_config(Cosine(0.1, 1000))  # configs stay in steps


@given(
    spe=st.integers(1, 10**5),
    n=st.one_of(st.integers(0, 1000), st.floats(0.0, 1000.0)),
    total=st.integers(1, 10**9),
    f=st.floats(0.0, 1.0),
)
def test_conversions_are_exact(spe: int, n: float, total: int, f: float) -> None:
    clock = Clock(steps_per_epoch=spe, total_steps=total)
    expected = Fraction(repr(float(n))) * spe
    # n as written (0.1 epoch is 1/10 of one), multiplied exactly and rounded once
    assert clock.resolve(epochs(n)) == float(expected)
    share = Fraction(repr(float(f))) * total
    assert clock.resolve(fraction(f)) == float(share)
    assert clock.resolve(steps(n)) == n
    assert clock.resolve(n) == n  # plain numbers are steps already
    got = clock.resolve(epochs(n))
    assert isinstance(got, int) == (expected.denominator == 1)


@pytest.mark.parametrize(
    ("batches", "accumulation", "world", "updates"),
    [(1000, 1, 1, 1000), (1000, 4, 1, 250), (1000, 4, 2, 125), (1001, 4, 2, 126), (7, 8, 1, 1)],
)
def test_batches_per_epoch_count_optimizer_updates(
    batches: int, accumulation: int, world: int, updates: int
) -> None:
    clock = Clock(batches_per_epoch=batches, grad_accumulation=accumulation, world_size=world)
    assert clock.updates_per_epoch == updates == math.ceil(batches / (accumulation * world))
    assert clock.resolve(epochs(2)) == 2 * updates


@pytest.mark.parametrize("accumulation", [1, 2, 4, 8])
@pytest.mark.parametrize("world", [1, 2, 8])
def test_the_rate_per_update_ignores_how_updates_are_made(accumulation: int, world: int) -> None:
    # the same global batch (64 samples an update), made of micro-batches in different ways
    micro = 64 // (accumulation * world)
    batches = 64_000 // micro  # micro-batches over all processes in an epoch of 64,000 samples
    clock = Clock(batches_per_epoch=batches, grad_accumulation=accumulation, world_size=world)
    s = clock.build(warmup, clock.build(Cosine, 0.1, epochs(9)), epochs(1))
    reference = warmup(Cosine(0.1, 9000), 1000)
    assert s == reference


def test_fractions_of_the_run_and_total_in_epochs() -> None:
    clock = Clock(steps_per_epoch=250, total_steps=epochs(40))
    assert clock.total_steps == 10_000
    s = clock.build(
        WSD,
        0.1,
        warmup_steps=fraction(0.05),
        stable_steps=fraction(0.75),
        decay_steps=fraction(0.2),
    )
    assert s == WSD(0.1, 500, 7500, 2000)
    assert s.total_steps == 10_000
    assert clock.build(multistep, 0.1, [epochs(30), epochs(35)], 0.1) == multistep(
        0.1, [7500, 8750], 0.1
    )
    assert clock.build(OneCycle, 0.01, 0.1, 1e-5, cycle_steps=fraction(1.0)) == OneCycle(
        0.01, 0.1, 1e-5, 10_000
    )


def test_resolve_walks_configs() -> None:
    clock = Clock(steps_per_epoch=10, total_steps=1000)
    config = {
        "type": "Join",
        "schedules": [
            to_config(linear(0.0, 0.1, 50)),
            {"type": "Cosine", "init_value": 0.1, "decay_steps": epochs(95)},
        ],
        "boundaries": [fraction(0.05)],
    }
    s = from_config(clock.resolve(config))
    assert s == Join([linear(0.0, 0.1, 50), Cosine(0.1, 950)], [50])


def test_mixing_units_without_a_clock_raises() -> None:
    with pytest.raises(
        ValueError,
        match=r"Cosine: decay_steps must be a number of steps, got "
        r"epochs\(10\): convert durations .* lrdecay.Clock",
    ):
        Cosine(0.1, decay_steps=epochs(10))  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"warmup: steps must be a number of steps, got "
        r"fraction\(0.1\)",
    ):
        warmup(Cosine(0.1, 100), fraction(0.1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"boundaries\[1\] must be a number of steps"):
        lrdecay.Piecewise([10, epochs(3)], [1.0, 0.5, 0.1])  # type: ignore[list-item]
    with pytest.raises(
        ValueError,
        match=r"Clock: epochs\(3\) needs steps_per_epoch or "
        r"batches_per_epoch, got neither",
    ):
        Clock(total_steps=100).resolve(epochs(3))
    with pytest.raises(ValueError, match=r"Clock: fraction\(0.1\) needs total_steps, got None"):
        Clock(steps_per_epoch=100).build(Cosine, 0.1, fraction(0.1))


def test_validation() -> None:
    with pytest.raises(ValueError, match=r"Clock: steps_per_epoch must be > 0, got 0"):
        Clock(steps_per_epoch=0)
    with pytest.raises(ValueError, match=r"Clock: give steps_per_epoch or batches_per_epoch"):
        Clock(steps_per_epoch=10, batches_per_epoch=100)
    with pytest.raises(ValueError, match=r"Clock: grad_accumulation must be >= 1, got 0"):
        Clock(batches_per_epoch=100, grad_accumulation=0)
    with pytest.raises(TypeError, match=r"Clock: world_size must be an integer, got 2.0"):
        Clock(batches_per_epoch=100, world_size=2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Clock: total_steps cannot be a fraction"):
        Clock(total_steps=fraction(0.5))
    with pytest.raises(ValueError, match=r"fraction: value must be <= 1"):
        fraction(1.5)
    with pytest.raises(ValueError, match=r"epochs: value must be >= 0, got -1"):
        epochs(-1)
    with pytest.raises(ValueError, match=r"Duration: unit must be one of"):
        Duration(3, "hours")
    assert repr(epochs(2.5)) == "epochs(2.5)" and epochs(3) == Duration(3, "epochs")
