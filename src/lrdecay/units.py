"""Time units: durations in steps, epochs or fractions of training, and the clock that converts
them to steps.

A schedule counts **steps**: optimizer updates, from 0. People plan in epochs ("decay over 90
epochs") or in fractions of the run ("warm up for 5 %"), and the conversion is where runs go
silently wrong (epochs read as steps, micro-batches counted instead of updates, a scheduler
stepped once per process). So a duration says its unit (:func:`steps`, :func:`epochs`,
:func:`fraction`), and only an explicit :class:`Clock` turns it into steps. Schedules never take
a duration directly: a constructor given one raises a ``ValueError`` that says to use a clock.

Example:
    >>> import lrdecay
    >>> clock = lrdecay.Clock(steps_per_epoch=100, total_steps=lrdecay.epochs(90))
    >>> clock.build(lrdecay.Cosine, 0.1, decay_steps=lrdecay.epochs(10))
    Cosine(init_value=0.1, decay_steps=1000, end_value=0.0, num_periods=0.5)
    >>> clock.resolve(lrdecay.fraction(0.05))
    450
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from lrdecay._core import check_int, check_non_negative, check_number
from lrdecay._step import as_ratio

__all__ = ["Clock", "Duration", "epochs", "fraction", "steps"]

UNITS = ("steps", "epochs", "fraction")

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Duration:
    """A length of training in a unit: ``"steps"`` (optimizer updates), ``"epochs"`` or
    ``"fraction"`` (of the whole run). Build one with :func:`steps`, :func:`epochs` or
    :func:`fraction`; a :class:`Clock` converts it to steps."""

    value: float
    unit: str
    lrdecay_unit: ClassVar[bool] = True  # what lrdecay's number checks recognise

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"Duration: unit must be one of {', '.join(UNITS)}, got {self.unit!r}")
        value = check_non_negative(self.unit, "value", self.value)
        if self.unit == "fraction" and value > 1:
            raise ValueError(f"fraction: value must be <= 1 (of the whole run), got {value!r}")
        object.__setattr__(self, "value", value)

    def __repr__(self) -> str:
        return f"{self.unit}({self.value!r})"


def steps(value: float) -> Duration:
    """A duration in optimizer updates (what schedules count): ``steps(500)``."""
    return Duration(value, "steps")


def epochs(value: float) -> Duration:
    """A duration in epochs (passes over the data): ``epochs(10)``; needs a :class:`Clock` with
    ``steps_per_epoch`` (or ``batches_per_epoch``)."""
    return Duration(value, "epochs")


def fraction(value: float) -> Duration:
    """A share of the whole run, in ``[0, 1]``: ``fraction(0.05)``; needs a :class:`Clock` with
    ``total_steps``."""
    return Duration(value, "fraction")


def _whole(value: Any) -> float:
    """A number of steps as an ``int`` when whole (so ``Cosine(0.1, 1000)`` compares equal)."""
    number = float(value)
    return int(number) if number.is_integer() else number


@dataclasses.dataclass(frozen=True)
class Clock:
    """Converts durations to steps, explicitly.

    One step is one optimizer update. ``steps_per_epoch`` says how many updates an epoch has; or
    give ``batches_per_epoch``, the micro-batches of one epoch over all processes together (the
    dataset's length over the per-process batch size), and the clock divides by what one update
    consumes, ``world_size * grad_accumulation`` micro-batches, counting a last, partial update
    as one: :math:`\\lceil B / (N A) \\rceil`. (With ``len(dataloader)`` of one process of a
    distributed run, already split by a ``DistributedSampler``, give ``world_size=1``.) A step
    is never multiplied by the number of processes: the schedule's position is the global
    update count.

    Args:
        steps_per_epoch: Optimizer updates per epoch (``> 0``).
        total_steps: Updates in the whole run: a number of steps, or a :class:`Duration` in steps
            or epochs (``epochs(90)``); needed by :func:`fraction`.
        batches_per_epoch: Micro-batches per epoch over all processes (instead of
            ``steps_per_epoch``).
        grad_accumulation: Micro-batches accumulated per update on each process (``>= 1``).
        world_size: Processes (data-parallel replicas) taking a micro-batch each (``>= 1``).

    Example:
        >>> from lrdecay import Clock, epochs
        >>> Clock(batches_per_epoch=1000, grad_accumulation=4, world_size=2).resolve(epochs(3))
        375
        >>> Clock().resolve(epochs(3))
        Traceback (most recent call last):
        ...
        ValueError: Clock: epochs(3) needs steps_per_epoch or batches_per_epoch, got neither
    """

    steps_per_epoch: float | None = None
    total_steps: Any = None
    batches_per_epoch: int | None = None
    grad_accumulation: int = 1
    world_size: int = 1

    def __post_init__(self) -> None:
        owner = "Clock"
        if self.steps_per_epoch is not None:
            spe = check_number(owner, "steps_per_epoch", self.steps_per_epoch)
            if spe <= 0:
                raise ValueError(f"Clock: steps_per_epoch must be > 0, got {spe!r}")
            if self.batches_per_epoch is not None:
                raise ValueError(
                    "Clock: give steps_per_epoch or batches_per_epoch, not both, got "
                    f"steps_per_epoch={spe!r} and batches_per_epoch={self.batches_per_epoch!r}"
                )
            object.__setattr__(self, "steps_per_epoch", spe)
        if self.batches_per_epoch is not None:
            check_int(owner, "batches_per_epoch", self.batches_per_epoch, minimum=1)
        check_int(owner, "grad_accumulation", self.grad_accumulation, minimum=1)
        check_int(owner, "world_size", self.world_size, minimum=1)
        if self.total_steps is not None:
            total = self.total_steps
            if isinstance(total, Duration) and total.unit == "fraction":
                raise ValueError(
                    f"Clock: total_steps cannot be a fraction of itself, got {total!r}"
                )
            total = self.resolve(total) if isinstance(total, Duration) else total
            total = check_number(owner, "total_steps", total)
            if total <= 0:
                raise ValueError(f"Clock: total_steps must be > 0, got {total!r}")
            object.__setattr__(self, "total_steps", total)

    @property
    def updates_per_epoch(self) -> float | None:
        """Optimizer updates per epoch, or ``None`` if the clock does not know epochs."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        if self.batches_per_epoch is not None:
            per_update = self.world_size * self.grad_accumulation
            return -(-self.batches_per_epoch // per_update)
        return None

    def to_steps(self, duration: Duration) -> float:
        """One duration in steps (an ``int`` when whole)."""
        if duration.unit == "steps":
            return _whole(duration.value)
        if duration.unit == "epochs":
            per_epoch = self.updates_per_epoch
            if per_epoch is None:
                raise ValueError(
                    f"Clock: {duration!r} needs steps_per_epoch or batches_per_epoch, got neither"
                )
            return _whole(as_ratio(duration.value) * as_ratio(per_epoch))
        if self.total_steps is None:
            raise ValueError(f"Clock: {duration!r} needs total_steps, got None")
        return _whole(as_ratio(duration.value) * as_ratio(self.total_steps))

    def resolve(self, value: Any) -> Any:
        """``value`` with every :class:`Duration` in it converted to steps: a duration, a number
        (already steps), or lists, tuples and dicts of them (a config, say), at any depth."""
        if isinstance(value, Duration):
            return self.to_steps(value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.resolve(v) for v in value)
        return value

    def build(self, factory: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``factory(*args, **kwargs)`` with their durations converted to steps: any schedule
        class or helper (``clock.build(lrdecay.Cosine, 0.1, decay_steps=epochs(10))``)."""
        return factory(*self.resolve(args), **self.resolve(kwargs))
