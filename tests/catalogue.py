"""The shared example catalogue: every curve, combinator, tf1 constructor and nested compositions.

The core tests (``test_core.py``) and the conformance matrix (``test_conformance.py``, every array
library) evaluate the same schedules. ``RESTARTS`` names the entries that restart, with the exact
integer steps where a cycle begins (found by adding up exact rational cycle lengths, not by the
library's table), so every library can be checked to put each of them on the cycle's peak.
"""

from __future__ import annotations

from fractions import Fraction

from lrdecay import (
    WSD,
    Clip,
    Clock,
    Constant,
    Cosine,
    Cyclic,
    Exponential,
    GaussianNoise,
    InverseTime,
    Join,
    NaturalExponential,
    OneCycle,
    Piecewise,
    Plateau,
    Polynomial,
    Power,
    Product,
    Ramp,
    Restarts,
    Schedule,
    Shift,
    Sum,
    Tanh,
    TimmNoise,
    Warp,
    burn_in,
    epochs,
    floor,
    fraction,
    hold,
    inverse_sqrt,
    linear,
    multistep,
    scale,
    step_decay,
    warmup,
    with_floor,
)
from lrdecay.compat import tf1
from lrdecay.compat import timm as timm_dialect
from lrdecay.compat import torch as torch_dialect

INT32_MAX = 2**31 - 1

EXAMPLES: dict[str, Schedule] = {
    "Constant": Constant(0.1),
    "Constant-int": Constant(3),
    "Piecewise": Piecewise(boundaries=[10, 200, 3000], values=[1.0, 0.5, 0.25, 0.125]),
    "Piecewise-empty": Piecewise(boundaries=[], values=[0.7]),
    "Piecewise-late": Piecewise(boundaries=[2**31 - 100, 2**31 - 2], values=[0.3, 0.2, 0.1]),
    "Polynomial": Polynomial(init_value=0.1, decay_steps=1000, end_value=0.001, power=2.0),
    "Polynomial-sqrt": Polynomial(init_value=0.1, decay_steps=777, end_value=0.0, power=0.5),
    "Polynomial-power-0": Polynomial(init_value=0.1, decay_steps=100, end_value=0.0, power=0.0),
    "Polynomial-cycle": Polynomial(init_value=0.1, decay_steps=100, end_value=0.01, cycle=True),
    "Polynomial-cycle-2.5": Polynomial(1.0, decay_steps=2.5, end_value=0.0, cycle=True),
    "linear": linear(0.0, 0.1, 500),
    "Exponential": Exponential(init_value=0.1, decay_steps=2000, decay_rate=0.98),
    "Exponential-stair": Exponential(0.1, decay_steps=300, decay_rate=0.5, staircase=True),
    "NaturalExponential": NaturalExponential(0.1, decay_steps=1000, decay_rate=1e-3),
    "NaturalExponential-stair": NaturalExponential(
        1.0, decay_steps=7, decay_rate=0.25, staircase=True
    ),
    "Exponential-stair-late": Exponential(1.0, decay_steps=2**28, decay_rate=0.5, staircase=True),
    "InverseTime": InverseTime(init_value=0.1, decay_steps=100, decay_rate=0.5),
    "InverseTime-sqrt": InverseTime(0.1, decay_steps=10, decay_rate=1.0, power=0.5, staircase=True),
    "Cosine": Cosine(init_value=0.1, decay_steps=1000, end_value=0.001),
    "Cosine-4-periods": Cosine(init_value=0.1, decay_steps=1000, num_periods=4.0),
    "Cosine-0-periods": Cosine(init_value=0.1, decay_steps=1000, num_periods=0.0),
    "Cosine-long": Cosine(init_value=1.0, decay_steps=2**31 - 1),
    "GaussianNoise": GaussianNoise(std=0.01, seed=3),
    "GaussianNoise-schedule": GaussianNoise(std=Cosine(0.01, decay_steps=500), seed=2**40 + 11),
    "Join": Join([linear(0.0, 0.1, 100), Cosine(0.1, decay_steps=900)], boundaries=[100]),
    "Join-fractional": Join([Constant(1.0), linear(1.0, 0.0, 50), 0.5], boundaries=[10.5, 60.25]),
    "Join-late": Join([Constant(1.0), linear(1.0, 0.0, 1000)], boundaries=[2**31 - 500]),
    "Restarts": Restarts(Cosine(0.1, decay_steps=10), period_steps=10, period_factor=2.0),
    "Restarts-flat": Restarts(Cosine(0.1, 50), period_steps=50, value_factor=0.5),
    "Restarts-1.5": Restarts(Cosine(0.1, 7), period_steps=7, period_factor=1.5, value_factor=0.9),
    "Restarts-1.2": Restarts(Cosine(1.0, 100), period_steps=100, period_factor=1.2),
    "Restarts-1.1": Restarts(Cosine(1.0, 1250), period_steps=1250, period_factor=1.1),
    "Restarts-2.5": Restarts(Cosine(1.0, 2.5), period_steps=2.5),
    "Clip": Clip(Exponential(0.1, decay_steps=10, decay_rate=0.5), min_value=0.01, max_value=0.05),
    "Clip-constant": Clip(Constant(0.5), min_value=0.6, max_value=0.9),
    "floor-constant": floor(Constant(1.0), 1.0),
    "Shift": Shift(Cosine(1.0, decay_steps=1000), steps=1),
    "Shift-fractional": Shift(linear(0.0, 1.0, 10), steps=2.5),
    "torch.OneCycleLR-part-way": torch_dialect.OneCycleLR(0.5, total_steps=1000, pct_start=0.0005),
    "Shift-of-cycle": Shift(Polynomial(1.0, decay_steps=3, end_value=0.0, cycle=True), steps=1.0),
    "Join-whole-float-boundary": Join(
        [Constant(1.0), Polynomial(1.0, decay_steps=3, end_value=0.0, cycle=True)], [100.0]
    ),
    "Shift-of-warmup": Shift(warmup(Cosine(0.1, decay_steps=900), steps=100), steps=50),
    "Warp": Warp(Cosine(1.0, decay_steps=1000), steps=1000, power=2.0),
    # a power float32 flushes to 0 (TensorFlow): the clock still starts at 0, not at T
    "Warp-subnormal-power": Warp(burn_in(Constant(1.0), 1), steps=1, power=1.401298464324817e-45),
    "Warp-sqrt-of-restarts": Restarts(Warp(linear(1.0, 0.0, 70), steps=70, power=0.5), 70, 1.5),
    "Power": Power(Cosine(1.0, decay_steps=1000, end_value=0.0), exponent=1.7),
    "Power-of-negative": Power(Cosine(1.0, decay_steps=100, end_value=-1.0), exponent=0.5),
    # what make test-thorough's agreement property found (32-bit steps: a cycling polynomial
    # inside restarts of 17-digit periods; a sqrt ramp's elapsed step rounding below 0)
    "Power-of-constant": Power(Constant(1.0), exponent=0.0),
    "Restarts-of-cycling-polynomial-17-digits": Restarts(
        Polynomial(1.0, 1.8292754940514628, 0.5, power=1.0, cycle=True), 1.8292754940514628
    ),
    "Restarts-sqrt-ramp-17-digits": Restarts(
        Ramp(0.0, 1.0, ramp_steps=1.5, shape="sqrt"), 1.784728759274003, max_cycles=1
    ),
    # a period whose fraction fits 32 bits (33554431 / 128) though a * b does not: divided
    # exactly, not in float32 (where it rounds to 262144)
    "Cyclic-period-of-128ths": Cyclic(1.0, 0.5, 1000, 261143.9921875),
    "TimmNoise": TimmNoise(seed=42, std=1.0, limit=0.67),
    "TimmNoise-seeds": TimmNoise(seed=-3, std=0.5, limit=1.0),
    "timm.CosineLRScheduler-noise-k_decay": timm_dialect.CosineLRScheduler(
        0.1, t_initial=500, warmup_t=20, noise_range_t=[100, 400], k_decay=2.0, cycle_limit=2
    ),
    "Sum": Sum((Cosine(0.1, decay_steps=100), Constant(0.01))),
    "Product": Product((Cosine(0.1, decay_steps=100), linear(1.0, 0.5, 300))),
    "warmup": warmup(Cosine(0.1, decay_steps=900), steps=100),
    "warmup-0": warmup(Cosine(0.1, decay_steps=900), steps=0),
    "hold": hold(Cosine(0.1, decay_steps=900), steps=100),
    "scale": scale(Cosine(1.0, decay_steps=900), 0.1),
    "floor": floor(Exponential(0.1, decay_steps=10, decay_rate=0.9), 0.001),
    "operators": 0.1 * Cosine(1.0, decay_steps=100) + 0.01,
    # nested compositions
    "warmup-restarts": warmup(
        Restarts(Cosine(1.0, 200), period_steps=200, period_factor=1.5, value_factor=0.8), 50
    ),
    "restarts-of-warmup": Restarts(warmup(Cosine(1.0, 90), steps=10), period_steps=100),
    "restarts-of-restarts": Restarts(
        Restarts(Cosine(1.0, 5), period_steps=5, period_factor=2.0), period_steps=75
    ),
    "join-of-restarts": Join(
        [Restarts(Cosine(1.0, 30), period_steps=30, period_factor=1.5), Exponential(0.5, 100, 0.9)],
        boundaries=[1000],
    ),
    "clip-sum-noise": Clip(
        Sum((warmup(Cosine(1.0, 1000), 100), GaussianNoise(std=linear(0.1, 0.0, 500), seed=9))),
        min_value=0.0,
        max_value=1.0,
    ),
    "product-of-joins": hold(Cosine(1.0, 400), 20) * Join([1.0, 0.5], boundaries=[300]),
    # the modern schedules (issue 7)
    "Ramp-cosine": Ramp(0.0, 0.1, ramp_steps=300, shape="cosine"),
    "Ramp-exponential": Ramp(1e-5, 0.1, ramp_steps=777, shape="exponential"),
    "Ramp-sqrt": Ramp(0.1, 0.001, ramp_steps=1000, shape="sqrt"),
    "Ramp-power-late": Ramp(0.0, 1.0, ramp_steps=2**31 - 1000, shape="power", power=4.0),
    "Tanh": Tanh(0.1, decay_steps=1000, end_value=0.001),
    "step_decay": step_decay(0.1, decay_steps=30, decay_rate=0.1),
    "multistep": multistep(0.1, boundaries=[100, 1000, 2**31 - 3], decay_rate=0.5),
    "WSD": WSD(0.1, warmup_steps=100, stable_steps=800, decay_steps=200, end_value=0.001),
    "WSD-cosine-fraction": WSD(
        1.0, warmup_steps=50, stable_steps=1950, decay_fraction=0.2, decay_shape="cosine"
    ),
    "WSD-1-sqrt-late": WSD(
        1.0, warmup_steps=10, stable_steps=2**31 - 5000, decay_steps=3000, decay_shape="1-sqrt"
    ),
    "WSD-exponential": WSD(
        1.0,
        warmup_steps=100,
        stable_steps=400,
        decay_steps=2500,
        init_value=1e-3,
        end_value=1e-3,
        decay_shape="exponential",
        warmup_shape="exponential",
    ),
    "WSD-open": WSD(0.1, warmup_steps=100, warmup_shape="cosine"),
    "WSD-1-sqrt-warmup": WSD(0.1, 2**31 - 1000, 0, 500, warmup_shape="1-sqrt"),
    "WSD-branched": WSD(0.1, warmup_steps=100, decay_steps=500).with_decay_from(2**24 + 1),
    "OneCycle": OneCycle(0.004, 0.1, 4e-7, cycle_steps=1000),
    "OneCycle-3-phase-linear": OneCycle(
        0.01, 0.1, 1e-4, cycle_steps=2999, warmup_steps=899, shape="linear", three_phase=True
    ),
    "Cyclic": Cyclic(0.001, 0.1, up_steps=200),
    "Cyclic-triangular2": Cyclic(0.01, 0.1, up_steps=20, down_steps=30, mode="triangular2"),
    "Cyclic-exp_range": Cyclic(0.01, 0.1, up_steps=50, mode="exp_range", gamma=0.9995),
    "inverse_sqrt": inverse_sqrt(0.1, warmup_steps=100),
    "inverse_sqrt-timescale": inverse_sqrt(0.1, warmup_steps=10, timescale=1000, init_value=1e-3),
    "warmup-cosine": warmup(Cosine(0.1, decay_steps=900), steps=100, shape="cosine"),
    "warmup-exponential": warmup(Cosine(0.1, 900), steps=100, init_value=1e-4, shape="exponential"),
    "burn_in": burn_in(step_decay(0.01, 400, 0.1), steps=1000),
    "with_floor": with_floor(Cosine(0.1, decay_steps=1000), 0.001),
    "Restarts-max_cycles": Restarts(
        Cosine(1.0, 100, end_value=0.1), 100, period_factor=1.5, value_factor=0.5, max_cycles=4
    ),
    # nested compositions of them
    "restarts-of-onecycle": Restarts(OneCycle(0.01, 0.1, 0.001, cycle_steps=90), period_steps=100),
    "wsd-times-cyclic": WSD(1.0, warmup_steps=100, stable_steps=900, decay_steps=1000)
    * Cyclic(0.5, 1.0, up_steps=25),
    "plateau-of-warmup": Plateau(factor=0.5, patience=2).schedule(
        warmup(Cosine(0.1, 4900), 100, shape="cosine"),
        [5.0, 4.0, 3.0, 3.0, 3.0, 3.0, 2.9, 2.9, 2.9, 2.9],
        steps_per_epoch=500,
    ),
    "clock-epochs": Clock(steps_per_epoch=100, total_steps=epochs(30)).build(
        WSD, 0.1, warmup_steps=epochs(1), stable_steps=epochs(20), decay_steps=fraction(0.3)
    ),
    # every tf1 constructor
    "tf1.piecewise_constant": tf1.piecewise_constant(None, [50, 80], [0.1, 0.01, 0.001]),
    "tf1.exponential_decay": tf1.exponential_decay(0.1, None, 2000, 0.98),
    "tf1.exponential_decay-stair": tf1.exponential_decay(0.1, None, 110, 0.5, staircase=True),
    "tf1.natural_exp_decay": tf1.natural_exp_decay(0.1, None, 300, 0.5, staircase=True),
    "tf1.inverse_time_decay": tf1.inverse_time_decay(0.1, None, 100, 0.5),
    "tf1.polynomial_decay": tf1.polynomial_decay(0.1, None, 115, 0.0, power=0.5),
    "tf1.polynomial_decay-cycle": tf1.polynomial_decay(0.1, None, 300, cycle=True),
    "tf1.cosine_decay": tf1.cosine_decay(0.1, None, 1000, alpha=0.01),
    "tf1.linear_cosine_decay": tf1.linear_cosine_decay(0.1, decay_steps=1000, num_periods=4),
    "tf1.noisy_linear_cosine_decay": tf1.noisy_linear_cosine_decay(0.1, None, 1000, seed=5),
    "tf1.cosine_decay_restarts": tf1.cosine_decay_restarts(0.1, None, 100, m_mul=0.5, alpha=0.01),
    "tf1.cosine_decay_restarts-1.1": tf1.cosine_decay_restarts(1.0, None, 1250, t_mul=1.1),
    "tf1.exponential_decay_with_burnin": tf1.exponential_decay_with_burnin(
        None, 0.1, 200, 0.9, burnin_learning_rate=0.01, burnin_steps=50, min_learning_rate=0.02
    ),
    "tf1.piecewise_with_warmup": tf1.piecewise_with_warmup(None, [20, 50], [0.0, 0.1, 0.01], True),
    "tf1.cosine_decay_with_warmup": tf1.cosine_decay_with_warmup(
        None, 0.1, 1000, 0.01, warmup_learning_rate=0.001, warmup_steps=100, hold_base_rate_steps=50
    ),
}

NOT_COMPILED = {
    "TimmNoise",
    "TimmNoise-seeds",
    "timm.CosineLRScheduler-noise-k_decay",
    "Restarts-of-cycling-polynomial-17-digits",
    "Restarts-sqrt-ramp-17-digits",
}
"""Entries ``torch.compile`` is not asked to compile in the conformance matrix: seeding torch's
generator (MT19937) takes thousands of sequential integer operations per step, and a period of
17 significant digits is divided by binary long multiplication over the bits of its denominator
(about 50 rounds, nested inside a cycling curve); Inductor takes many minutes over either. Eager
torch, jax's ``jit`` and TensorFlow's ``tf.function`` check them."""

IDS = list(EXAMPLES)
SCHEDULES = list(EXAMPLES.values())


def restart_steps(period: float, factor: float, limit: int = INT32_MAX) -> list[tuple[int, int]]:
    """``(cycle, step)`` for the cycles that begin exactly on an integer step up to ``limit``, the
    cycle starts summed in exact rationals from the parameters as written (their shortest decimal:
    a factor of 1.1 is 11/10). Equal cycles: the first 200 and the last 20 below ``limit``."""
    length, m = Fraction(repr(float(period))), Fraction(repr(float(factor)))
    starts: list[tuple[int, Fraction]] = []
    if m == 1:
        last = int(limit // length)
        cycles = [*range(min(200, last + 1)), *range(max(200, last - 19), last + 1)]
        starts = [(i, i * length) for i in cycles]
    else:
        start, cycle = Fraction(0), 0
        while start <= limit:
            starts.append((cycle, start))
            start, length, cycle = start + length, length * m, cycle + 1
    return [(i, s.numerator) for i, s in starts if s.denominator == 1]


#: Restarting entries: name -> (period_steps, period_factor, first peak, value factor); the peak of
#: cycle i is ``first peak * value_factor**i``.
RESTARTS: dict[str, tuple[float, float, float, float]] = {
    "Restarts": (10, 2.0, 0.1, 1.0),
    "Restarts-flat": (50, 1.0, 0.1, 0.5),
    "Restarts-1.5": (7, 1.5, 0.1, 0.9),
    "Restarts-1.2": (100, 1.2, 1.0, 1.0),
    "Restarts-1.1": (1250, 1.1, 1.0, 1.0),
    "Restarts-2.5": (2.5, 1.0, 1.0, 1.0),
    "tf1.cosine_decay_restarts-1.1": (1250, 1.1, 1.0, 1.0),
}
