"""The one comparison rule of every parity test: when does lrdecay's value match the framework's?

For each step, three judges: the framework in each of its modes (TensorFlow: graph mode, as TF 1
ran it, and eager mode) and the exact formula (:mod:`exact`, computed independently of lrdecay).

1. lrdecay's own value is always within :data:`TIGHT` (relative) of the exact value: the framework
   may be wrong at its ``float32`` edges, lrdecay may not.
2. The value **passes** when it is within :data:`TOLERANCE` of the framework's value in one of its
   modes, the tolerance being relative to the larger of the schedule's initial rate and the exact
   local magnitude: the value, or for restarts the peak of the step's cycle (``float32`` error is
   relative to the numbers computed; a schedule may climb above its initial rate, as restarts
   with ``m_mul > 1`` do).
3. Otherwise it passes only as a **documented difference**: lrdecay is exact (1.) and the
   framework's value is what the exact formula gives under one of the classes of :data:`CLASSES`
   (each listed in ``docs/tf1-differences.md`` with an example). A difference no class explains
   fails.

:func:`judge` returns, per step, which judge agreed (``"graph"``, ``"eager"``) or which class
explains the difference.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import exact

TOLERANCE = 3e-6
"""Agreement with ``float32`` TensorFlow, relative to ``max(initial rate, |exact value|)``:
TensorFlow's graph and eager modes differ by up to ~1e-6 of the initial rate (graph mode rewrites
``x / c`` as ``x * (1 / c)``), and a float64 formula stays within 1e-6 of either."""

TIGHT = 1e-12
"""lrdecay (float64) against the exact value, relative to ``max(initial rate, |exact value|)``."""

CLASSES: dict[str, str] = {
    "float32-step": "from 2**24 on, float32 cannot hold the step: TF evaluates a rounded step",
    "float32-piece": (
        "at a boundary of a staircase, a polynomial cycle or a restart, TF's float32 division or "
        "logarithm puts the step in the neighbouring piece"
    ),
    "float32-parameters": (
        "TF rounds each rate parameter to float32 first; an exponent amplifies the rounding"
    ),
    "float32-phase": (
        "TF computes t / period in float32: after many periods the position within a period is "
        "off by a few float32 ulps of t / period"
    ),
}
"""The documented classes of difference, by name (see ``docs/tf1-differences.md``)."""


@dataclasses.dataclass(frozen=True)
class Judgement:
    step: int
    ours: float
    graph: float
    eager: float | None
    exact: float
    verdict: str
    """``"graph"``, ``"eager"`` or a key of :data:`CLASSES`."""


def _close(a: float | None, b: float, tolerance: float) -> bool:
    return a is not None and math.isfinite(a) and abs(a - b) <= tolerance


def judge(
    function: str,
    params: Mapping[str, Any],
    steps: Sequence[int],
    ours: Sequence[float],
    graph: Sequence[float],
    eager: Callable[[list[int]], Sequence[float | None]] | None = None,
) -> list[Judgement]:
    """Judge lrdecay's values ``ours`` at ``steps`` against TensorFlow's (``graph``; ``eager``
    is asked only for the steps where graph mode disagrees) and the exact formula.

    Raises ``AssertionError`` naming the schedule and the step for a value that fails the rule.
    """
    scale0 = exact.initial_rate(function, params)
    exact_values = [exact.value(function, params, s) for s in steps]
    scales = [max(scale0, exact.peak(function, params, s)) for s in steps]
    where = f"{function}({dict(params)})"
    pending: list[int] = []
    for i, (step, mine, truth, theirs) in enumerate(
        zip(steps, ours, exact_values, graph, strict=True)
    ):
        scale = scales[i]
        assert math.isfinite(mine), f"{where} at step {step}: lrdecay gives {mine!r}"
        assert abs(mine - truth) <= TIGHT * scale, (
            f"lrdecay is wrong: {where} at step {step}: lrdecay {mine!r}, exact {truth!r}"
        )
        if not _close(theirs, mine, TOLERANCE * scale):
            pending.append(i)
    eager_values: dict[int, float | None] = {}
    if pending and eager is not None:
        asked = [steps[i] for i in pending]
        eager_values = dict(zip(pending, eager(asked), strict=True))
    judgements = []
    for i, (step, mine, truth, theirs) in enumerate(
        zip(steps, ours, exact_values, graph, strict=True)
    ):
        tolerance = TOLERANCE * scales[i]
        other = eager_values.get(i)
        if i not in pending:
            verdict = "graph"
        elif _close(other, mine, tolerance):
            verdict = "eager"
        else:
            verdict = explain(function, params, step, [theirs, other], tolerance)
            assert verdict is not None, (
                f"no documented class explains the difference: {where} at step {step}: lrdecay "
                f"{mine!r} (exact {truth!r}), TF graph {theirs!r}, TF eager {other!r}"
            )
        judgements.append(Judgement(step, mine, theirs, other, truth, verdict))
    return judgements


def explain(
    function: str,
    params: Mapping[str, Any],
    step: int,
    theirs: Sequence[float | None],
    tolerance: float,
) -> str | None:
    """The documented class under which the exact formula gives TensorFlow's value, if any.

    Tries the step as float32 holds it (from 2**24 on), the parameters as float32 holds them, and,
    at a boundary, the neighbouring pieces, alone and together; the class named is the first of
    step (tried first from 2**24 on), piece, parameters that the matching combination needed.
    """
    rounded = {False: params, True: exact.rounded_to_float32(params, function)}
    steps = {False: step, True: exact.as_float32_step(step)}
    for round_step in (True, False) if step >= 2**24 else (False,):
        for round_params in (False, True):
            at = steps[round_step]
            shifts = (0, -1, 1) if exact.at_boundary(function, rounded[round_params], at) else (0,)
            for shift in shifts:
                if not (round_step or round_params or shift):
                    continue  # the exact value itself: TensorFlow did not give it
                try:
                    candidate = exact.value(function, rounded[round_params], at, piece=shift)
                except (ValueError, ZeroDivisionError):
                    continue
                if any(_close(v, candidate, tolerance) for v in theirs):
                    if round_step:
                        return "float32-step"
                    return "float32-piece" if shift else "float32-parameters"
    # The phase: TF rounds t / period, as if the step were off by a few float32 ulps of t.
    if step > 0:
        for candidate_params in rounded.values():
            width = Fraction(step, 2**22)
            span = [
                exact.value_at(function, candidate_params, step + width * k / 8)
                for k in range(-8, 9)
            ]
            # between two neighbouring samples of a continuous stretch: a jump (a restart, a
            # staircase step) between them explains no value in between
            for a, b in itertools.pairwise(span):
                if a is None or b is None or abs(a - b) > 1000 * tolerance:
                    continue
                low, high = min(a, b) - tolerance, max(a, b) + tolerance
                if any(v is not None and low <= v <= high for v in theirs):
                    return "float32-phase"
    return None
