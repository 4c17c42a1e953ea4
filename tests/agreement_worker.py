"""One route of the cross-framework agreement property, in a process of its own.

``python tests/agreement_worker.py ROUTE`` draws schedules with Hypothesis (``strategies.py``:
every curve, nested compositions) and steps up to ``10**7``, evaluates each schedule through
``ROUTE`` and checks it against the same schedule in NumPy float64. It prints one JSON line:
``{"route": ..., "examples": n}`` when every example agreed; a disagreement fails the process
with Hypothesis' shrunk example. ``LRDECAY_AGREEMENT_SEED`` (``test_agreement.py`` passes pytest's
``--hypothesis-seed``) makes a fresh sample reproducible.

Routes (each imports one framework):

* ``torch``: ``lrdecay.torch.scheduler`` on a float rate, a CPU tensor rate (filled in place) and
  a tensor rate computed from the device counter (``capturable=True``), stepped and jumped;
* ``keras-tensorflow``, ``keras-jax``, ``keras-torch``: ``lrdecay.keras.schedule`` under
  ``KERAS_BACKEND``, called on a step tensor and read back through an optimizer whose
  ``iterations`` is set, and rebuilt from its config;
* ``optax``: ``optax.scale_by_schedule`` under ``jax.jit`` and ``jax.vmap`` over the steps;
* ``tf``: a ``tf.function`` reading a ``tf.Variable`` step, and a vector of steps.

Agreement: a float32 result is within 16 float32 ulps of the NumPy float64 value (relative to the
larger of the value, the magnitude of the sums and products it is made of, and the schedule's
scale) plus twice what lrdecay's own NumPy float32 evaluation of the formula differs by there (a
cosine of many periods or a high power amplifies float32 rounding, in every library alike;
``docs/testing.md``); a float64 result within 16 float64 ulps. ``LRDECAY_AGREEMENT_EXAMPLES``
sets the number of schedules (default 40).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from strategies import schedules

import lrdecay
from lrdecay import Clip, Constant, GaussianNoise, Piecewise, Power, Product, Schedule, Sum

EPS32, EPS64 = 2.0**-23, 2.0**-52
GRID = sorted(
    set(range(17))
    | {99, 100, 101, 999, 1000, 1001, 4095, 4096, 10**4, 2**16}
    | {10**5 - 1, 10**5, 10**5 + 1, 10**6 - 1, 10**6, 10**6 + 1, 2**24 - 1, 2**24, 2**24 + 1}
    | {10**7 - 1, 10**7}
)
extra_steps = st.lists(st.integers(0, 10**7), min_size=0, max_size=12)


# ------------------------------------------------------------------ the magnitude of the terms
# A sum is computed to within a few ulps of the sum of its terms' magnitudes, not of its value:
# |fl(a + b) - (a + b)| <= eps (|a| + |b|) once a and b carry rounding errors of their own (the
# standard bound of floating-point summation). Where terms cancel, the value is far below them and
# how far each library lands from it depends on how it groups and rounds the terms: XLA
# reassociates 1 - 255/256 + 1e-4 into (1 + 1e-4) - 255/256, and Cyclic(1.0, 1e-5, ...) at its
# peak is 1 + float32(1e-5 - 1) = 1.0013580e-5 in every tensor library (the constant 1e-5 - 1 is
# not a float32 number), while NumPy, whose float32 slack stands for float32 rounding below, keeps
# the constants in double precision and gets 1e-5. Likewise a curve is accurate to ulps of its
# scale, not of its value: Cyclic(1e-5, 1.0, 11502.6, mode="exp_range", gamma=0.999) is a rise
# from 0 to 1 times 0.999**t, and under jax.jit the rise is 6.8e-8 (about an ulp of 1) at step 0,
# where the schedule's largest value is 0.03. So the tolerance is relative to the magnitude of
# the terms: `magnitude` rebuilds the schedule with each curve replaced by its scale, each sum by
# the sum of its terms' magnitudes and each product by the product of its factors', evaluated at
# the same local steps (through the same Warp, Shift, Join and Restarts), in float64.
@dataclasses.dataclass(frozen=True)
class _Magnitude(Schedule):
    """``combine`` of the magnitudes of ``parts``, each evaluated at this node's local step."""

    parts: tuple[Schedule, ...]
    combine: Callable[..., Any]

    def _value(self, t: Any, xp: Any) -> Any:
        return self.combine(
            *(np.abs(np.asarray(p._value(t, xp), dtype=np.float64)) for p in self.parts)
        )


def _sum(*terms: Any) -> Any:
    return functools.reduce(np.add, terms)


def _product(*factors: Any) -> Any:
    return functools.reduce(np.multiply, factors)


def _power(base: Any, inner: Any, *, exponent: float, u: float) -> Any:
    """The magnitude of ``v ** p`` when ``v`` is known to within ``u * inner``: the value, or what
    that error of the base becomes (a fractional power near 0 amplifies it)."""
    moved = (np.power(base + u * inner, exponent) - np.power(base, exponent)) / u
    return np.maximum(np.power(base, exponent), moved)


def _itself(value: Any) -> Any:
    return value


def _plus(value: Any, std: Any) -> Any:
    return value + std


def _curve_scale(curve: Schedule) -> float:
    """The largest magnitude a curve reaches over the steps the property evaluates and at its
    horizon: what its float32 values are accurate relative to (``docs/testing.md``), not its value
    at a step (a rise from 0 is within ulps of its end value at step 0, not of 0)."""
    probe = set(GRID)
    horizon = curve.total_steps
    if horizon is not None and horizon <= 2**53:
        probe.add(math.ceil(horizon))
    return float(np.max(np.abs(curve(np.asarray(sorted(probe))))))


def magnitude(schedule: Schedule, u: float) -> Schedule:
    """A schedule (NumPy float64 only) bounding what ``schedule``'s rounding errors are relative
    to: the sum of the terms' magnitudes for a sum, the product of the factors' for a product, the
    base's error carried through a power, the clipped schedule's for a clip, its scale for a curve
    (a constant and a piecewise constant: their value); ``u`` is the relative error the tolerance
    allows."""
    if isinstance(schedule, Sum):
        return _Magnitude(tuple(magnitude(s, u) for s in schedule.schedules), _sum)
    if isinstance(schedule, Product):
        return _Magnitude(tuple(magnitude(s, u) for s in schedule.schedules), _product)
    if isinstance(schedule, Power):
        inner = magnitude(schedule.schedule, u)
        combine = functools.partial(_power, exponent=float(schedule.exponent), u=u)
        return _Magnitude((schedule.schedule, inner), combine)  # (|v| for max(v, 0): no smaller)
    if isinstance(schedule, Clip):  # clipping never moves an error by more than it is
        return magnitude(schedule.schedule, u)
    body = getattr(schedule, "_body", None)
    if isinstance(body, Schedule):  # WSD, OneCycle, Cyclic: their formula
        return magnitude(body, u)
    if isinstance(schedule, Constant | Piecewise):  # a value as written: no arithmetic
        return _Magnitude((schedule,), _itself)
    if isinstance(schedule, GaussianNoise):  # std * z: within ulps of the value and of std
        return _Magnitude((schedule, magnitude(schedule.std, u)), _plus)
    children = {}
    for field in dataclasses.fields(schedule):
        value = getattr(schedule, field.name)
        if isinstance(value, Schedule):
            children[field.name] = magnitude(value, u)
        elif isinstance(value, tuple) and value and all(isinstance(v, Schedule) for v in value):
            children[field.name] = tuple(magnitude(v, u) for v in value)
    if not children:  # a curve
        return Constant(_curve_scale(schedule))
    # Warp, Shift, Join, Restarts: the same local steps, the same factors
    return _Magnitude((dataclasses.replace(schedule, **children),), _itself)


def check(got: Any, schedule: lrdecay.Schedule, steps: np.ndarray, eps: float, what: str) -> None:
    got = np.asarray(got, dtype=np.float64).reshape(-1)
    ref = schedule(steps)
    scale = float(np.max(np.abs(schedule(np.asarray(GRID)))))
    terms = magnitude(schedule, 16 * eps)(steps)
    slack = 0.0
    if eps == EPS32:
        slack = 2 * np.abs(schedule(steps, dtype="float32").astype(np.float64) - ref)
    tol = 16 * eps * (np.maximum(np.maximum(np.abs(got), np.abs(ref)), terms) + scale) + slack
    bad = ~((got == ref) | (np.abs(got - ref) <= tol))
    if bad.any():
        i = int(np.argmax(bad))
        raise AssertionError(
            f"{what}: step {int(steps[i])}: got {got[i]!r}, NumPy float64 {ref[i]!r} "
            f"(tolerance {tol[i]:.3g}; {int(bad.sum())} of {bad.size} steps disagree)"
        )


# --------------------------------------------------------------------------- routes
def torch_route() -> Callable[[lrdecay.Schedule, np.ndarray], None]:
    import torch

    import lrdecay.torch

    def evaluate(schedule: lrdecay.Schedule, steps: np.ndarray) -> None:
        params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
        opt = torch.optim.SGD(
            [
                {"params": [params[0]], "lr": 0.1},
                {"params": [params[1]], "lr": torch.tensor(0.1)},
            ],
        )
        sched = lrdecay.torch.scheduler(opt, schedule)
        device = torch.optim.SGD([params[2]], lr=torch.tensor(0.1))
        on_device = lrdecay.torch.scheduler(device, schedule, capturable=True)
        got: dict[str, list[float]] = {"float": [], "tensor": [], "device": []}
        for k in steps.tolist():
            sched.set_step(k)
            on_device.set_step(k)
            got["float"].append(opt.param_groups[0]["lr"])
            got["tensor"].append(float(opt.param_groups[1]["lr"]))
            got["device"].append(float(device.param_groups[0]["lr"]))
        check(got["float"], schedule, steps, EPS64, "torch scheduler, float rate")
        check(got["tensor"], schedule, steps, EPS32, "torch scheduler, CPU tensor rate")
        check(got["device"], schedule, steps, EPS32, "torch scheduler, capturable=True")
        # and stepping, from a jump: the counter on the device follows the host's
        for sch in (sched, on_device):
            sch.set_step(int(steps[-1]))
            for _ in range(3):
                sch.step()
        after = np.asarray([steps[-1] + 3])
        check([opt.param_groups[0]["lr"]], schedule, after, EPS64, "torch, stepped (float)")
        check([float(device.param_groups[0]["lr"])], schedule, after, EPS32, "torch, stepped")

    return evaluate


def keras_route() -> Callable[[lrdecay.Schedule, np.ndarray], None]:
    import keras

    import lrdecay.keras

    def evaluate(schedule: lrdecay.Schedule, steps: np.ndarray) -> None:
        adapted = lrdecay.keras.schedule(schedule)
        backend = keras.backend.backend()
        # (Keras on JAX has no 64-bit integers: its optimizer counts in int32)
        for dtype in ("int32",) if backend == "jax" else ("int32", "int64"):
            values = adapted(keras.ops.convert_to_tensor(steps, dtype=dtype))
            check(keras.ops.convert_to_numpy(values), schedule, steps, EPS32, f"{backend} {dtype}")
        rebuilt = type(adapted).from_config(adapted.get_config())
        values = rebuilt(keras.ops.convert_to_tensor(steps, dtype="int64"))
        check(keras.ops.convert_to_numpy(values), schedule, steps, EPS32, f"{backend} rebuilt")
        optimizer = keras.optimizers.SGD(learning_rate=adapted)
        some = steps[:: max(1, len(steps) // 6)]
        rates = []
        for k in some.tolist():
            optimizer.iterations.assign(k)
            rates.append(float(keras.ops.convert_to_numpy(optimizer.learning_rate)))
        check(rates, schedule, some, EPS32, f"{backend} optimizer.learning_rate")

    return evaluate


def optax_route() -> Callable[[lrdecay.Schedule, np.ndarray], None]:
    import jax
    import jax.numpy as jnp
    import optax

    def evaluate(schedule: lrdecay.Schedule, steps: np.ndarray) -> None:
        tx = optax.scale_by_schedule(schedule)

        @jax.jit
        def update(count: Any) -> Any:
            state = optax.ScaleByScheduleState(count=count)
            updates, _ = tx.update(jnp.ones(()), state)
            return updates

        counts = jnp.asarray(steps, dtype=jnp.int32)  # optax's own counter type
        check(jax.vmap(update)(counts), schedule, steps, EPS32, "optax, vmap")
        some = steps[:: max(1, len(steps) // 4)]
        check([update(jnp.int32(k)) for k in some.tolist()], schedule, some, EPS32, "optax, jit")

    return evaluate


def tf_route() -> Callable[[lrdecay.Schedule, np.ndarray], None]:
    import tensorflow as tf

    def evaluate(schedule: lrdecay.Schedule, steps: np.ndarray) -> None:
        step = tf.Variable(0, dtype=tf.int64)
        read = tf.function(lambda: schedule(step))
        rates = []
        for k in steps.tolist():
            step.assign(k)
            rates.append(float(read()))
        check(rates, schedule, steps, EPS32, "tf.function, tf.Variable step")
        vector = tf.function(schedule)(tf.constant(steps, dtype=tf.int32))
        check(vector.numpy(), schedule, steps, EPS32, "tf.function, int32 steps")

    return evaluate


ROUTES = {
    "torch": torch_route,
    "keras-tensorflow": keras_route,
    "keras-jax": keras_route,
    "keras-torch": keras_route,
    "optax": optax_route,
    "tf": tf_route,
}


def main() -> None:
    route = sys.argv[1]
    if route.startswith("keras-"):
        os.environ["KERAS_BACKEND"] = route.removeprefix("keras-")
    evaluate = ROUTES[route]()
    count = 0

    @settings(
        max_examples=int(os.environ.get("LRDECAY_AGREEMENT_EXAMPLES", "40")),
        derandomize=os.environ.get("HYPOTHESIS_PROFILE") != "lrdecay-thorough",
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(schedule=schedules(), extra=extra_steps)
    def agree(schedule: lrdecay.Schedule, extra: list[int]) -> None:
        nonlocal count
        count += 1
        steps = np.asarray(sorted(set(GRID) | set(extra)), dtype=np.int64)
        with np.errstate(all="ignore"):
            evaluate(schedule, steps)

    chosen = os.environ.get("LRDECAY_AGREEMENT_SEED")
    (agree if chosen is None else seed(int(chosen))(agree))()
    print(json.dumps({"route": route, "examples": count}))


if __name__ == "__main__":
    main()
