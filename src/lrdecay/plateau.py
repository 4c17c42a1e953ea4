"""Reduce-on-plateau: a multiplier driven by a metric, not a function of the step.

:class:`Plateau` holds the rule (PyTorch's ``ReduceLROnPlateau`` decision rule, as a
multiplier of a base schedule instead of an absolute rate); :meth:`Plateau.start` gives the small
mutable tracker that a training loop feeds one metric per epoch; :meth:`Plateau.simulate` runs the
rule over a list of metrics without an optimizer; and :meth:`Plateau.schedule` turns a recorded
history into a pure schedule, the base schedule times a :class:`~lrdecay.Piecewise` multiplier,
which composes, serialises and resumes like any other.

Example:
    >>> from lrdecay import Plateau, Cosine
    >>> rule = Plateau(factor=0.5, patience=1)
    >>> rule.simulate([3.0, 2.0, 2.0, 2.0, 1.0])  # the multiplier after each metric
    [1.0, 1.0, 1.0, 0.5, 0.5]
    >>> s = rule.schedule(Cosine(1.0, decay_steps=1000), [3.0, 2.0, 2.0, 2.0], steps_per_epoch=100)
    >>> [round(s(k), 6) for k in (0, 399, 400)]  # epoch 4 (steps 400-499) runs at half the rate
    [1.0, 0.656002, 0.327254]
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable
from typing import Any

from lrdecay._core import (
    ParameterTypeError,
    ParameterValueError,
    Schedule,
    check_duration,
    check_int,
    check_non_negative,
    check_number,
    check_schedule,
)
from lrdecay.curves import Piecewise, check_choice

__all__ = ["Plateau", "PlateauState"]


@dataclasses.dataclass(frozen=True)
class Plateau:
    r"""Reduce the rate when a metric stops improving: PyTorch's ``ReduceLROnPlateau`` rule, as a
    multiplier :math:`m` of a base schedule.

    After each metric :math:`a` (one per epoch, say): it is an improvement on the best so far
    :math:`b` when :math:`a < b(1 - \theta)` (``mode="min"``, ``threshold_mode="rel"``),
    :math:`a < b - \theta` (``"abs"``), or :math:`a > b(1 + \theta)` / :math:`a > b + \theta`
    (``mode="max"``); the first metric always is (unless it is NaN). Otherwise it is a bad epoch.
    Bad epochs during a cooldown do not count. After more than ``patience`` bad epochs in a row,
    :math:`m \leftarrow \max(m \cdot \text{factor}, \text{min\_scale})` (only if that lowers
    :math:`m` by more than ``eps``), the count restarts and a cooldown of ``cooldown`` metrics
    begins. :math:`m` starts at 1; PyTorch's ``min_lr`` is ``min_scale`` times the base rate, and
    its ``eps`` compares rates where this compares multipliers (the same for a base rate of 1).

    Args:
        factor: The multiplier's factor per reduction, :math:`0 \le` factor :math:`< 1`.
        patience: Bad metrics tolerated before a reduction (``>= 0``).
        threshold: :math:`\theta \ge 0`, the least improvement that counts.
        threshold_mode: ``"rel"`` (default) or ``"abs"``.
        mode: ``"min"`` (a loss; default) or ``"max"`` (an accuracy).
        cooldown: Metrics after a reduction during which bad ones are not counted (``>= 0``).
        min_scale: The least multiplier (``>= 0``).
        eps: Reductions smaller than this are skipped (``>= 0``).
    """

    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    mode: str = "min"
    cooldown: int = 0
    min_scale: float = 0.0
    eps: float = 1e-8

    def __post_init__(self) -> None:
        owner = "Plateau"
        factor = check_number(owner, "factor", self.factor)
        if not 0 <= factor < 1:
            raise ParameterValueError(owner, "factor", f"must be >= 0 and < 1, got {factor!r}")
        object.__setattr__(self, "factor", factor)
        object.__setattr__(self, "patience", check_int(owner, "patience", self.patience, minimum=0))
        object.__setattr__(
            self, "threshold", check_non_negative(owner, "threshold", self.threshold)
        )
        check_choice(owner, "threshold_mode", self.threshold_mode, ("rel", "abs"))
        check_choice(owner, "mode", self.mode, ("min", "max"))
        object.__setattr__(self, "cooldown", check_int(owner, "cooldown", self.cooldown, minimum=0))
        object.__setattr__(
            self, "min_scale", check_non_negative(owner, "min_scale", self.min_scale)
        )
        if self.min_scale > 1:
            raise ParameterValueError(owner, "min_scale", f"must be <= 1, got {self.min_scale!r}")
        object.__setattr__(self, "eps", check_non_negative(owner, "eps", self.eps))

    def start(self) -> PlateauState:
        """A fresh tracker: feed it one metric at a time with :meth:`PlateauState.step`."""
        return PlateauState(self)

    def simulate(self, metrics: Iterable[Any]) -> list[float]:
        """The multiplier after each metric, from a fresh start (no optimizer involved)."""
        state = self.start()
        return [state.step(m) for m in metrics]

    def multiplier(self, metrics: Iterable[Any], steps_per_epoch: float) -> Piecewise:
        """The multiplier as a pure schedule of the step: epoch ``e`` (steps
        ``[e * steps_per_epoch, (e + 1) * steps_per_epoch)``) runs at the multiplier left by the
        metrics of epochs ``0 .. e - 1`` (1 in epoch 0), switching *at* each epoch's first step,
        and holds the last one after the recorded epochs."""
        spe = check_duration("Plateau.multiplier", "steps_per_epoch", steps_per_epoch)
        boundaries: list[float] = []
        values = [1.0]
        for epoch, scale in enumerate(self.simulate(metrics), start=1):
            if scale != values[-1]:
                at = epoch * spe
                boundaries.append(int(at) if float(at).is_integer() else at)
                values.append(scale)
        return Piecewise(boundaries=tuple(boundaries), values=tuple(values))

    def schedule(
        self, base: Schedule | float, metrics: Iterable[Any], steps_per_epoch: float
    ) -> Schedule:
        """``base`` times :meth:`multiplier`: a recorded run's rate, as a pure schedule (any
        schedule as ``base``, a warm-up included)."""
        base = check_schedule("Plateau.schedule", "base", base)
        return base * self.multiplier(metrics, steps_per_epoch)


class PlateauState:
    """The mutable state of a :class:`Plateau` run: ``best``, the bad metrics in a row, the
    cooldown left and the current ``scale`` (the multiplier)."""

    __slots__ = ("bad", "best", "cooldown_left", "rule", "scale", "seen")

    def __init__(self, rule: Plateau) -> None:
        self.rule = rule
        self.best = math.inf if rule.mode == "min" else -math.inf
        self.bad = 0
        self.cooldown_left = 0
        self.scale = 1.0
        self.seen = 0

    def _better(self, a: float) -> bool:
        rule, best = self.rule, self.best
        if rule.mode == "min":
            limit = (
                best * (1.0 - rule.threshold)
                if rule.threshold_mode == "rel"
                else best - rule.threshold
            )
            return a < limit
        limit = (
            best * (rule.threshold + 1.0) if rule.threshold_mode == "rel" else best + rule.threshold
        )
        return a > limit

    def state_dict(self) -> dict[str, Any]:
        """The state as plain data (for a checkpoint): ``best``, ``bad``, ``cooldown_left``,
        ``scale`` and ``seen`` (metrics taken)."""
        return {
            name: getattr(self, name) for name in ("best", "bad", "cooldown_left", "scale", "seen")
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Resume from :meth:`state_dict`'s output."""
        missing = {"best", "bad", "cooldown_left", "scale", "seen"} - set(state)
        if missing:
            raise ValueError(f"PlateauState.load_state_dict: missing {sorted(missing)}")
        self.best = float(state["best"])
        self.bad = int(state["bad"])
        self.cooldown_left = int(state["cooldown_left"])
        self.scale = float(state["scale"])
        self.seen = int(state["seen"])

    def step(self, metric: Any) -> float:
        """Take one metric; return the multiplier from now on."""
        if isinstance(metric, bool) or not isinstance(metric, numbers.Real):
            try:
                value = float(metric)  # a 0-d array or tensor
            except (TypeError, ValueError):
                raise ParameterTypeError(
                    "Plateau.step",
                    "metric",
                    f"must be a real number, got {metric!r} ({type(metric).__name__})",
                ) from None
        else:
            value = float(metric)
        self.seen += 1
        if self._better(value):
            self.best = value
            self.bad = 0
        else:
            self.bad += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0
        if self.bad > self.rule.patience:
            lowered = max(self.scale * self.rule.factor, self.rule.min_scale)
            if self.scale - lowered > self.rule.eps:
                self.scale = lowered
            self.cooldown_left = self.rule.cooldown
            self.bad = 0
        return self.scale
