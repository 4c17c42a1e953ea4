r"""Batch-size scaling and the training horizon: the numbers a schedule is built from.

Two silent misconfigurations share a root: the numbers a schedule is built from (its peak, its
warm-up, its horizon) are derived by hand from the batch size, and the batch size changes (more
processes, gradient accumulation, another GPU). :class:`TrainingPlan` derives them in one place:

* the **global batch** :math:`G = b \cdot A \cdot N` (per-process micro-batch :math:`b`,
  accumulation :math:`A`, world size :math:`N`);
* the **updates per epoch** and the **horizon** (total optimizer updates) from the dataset size,
  epochs or ``max_steps``, with the rules of PyTorch's ``DistributedSampler`` and ``DataLoader``
  written out (below);
* the **peak rate** from a reference rate tuned at a reference batch size, by the linear rule
  (Goyal et al., 2017) :math:`\eta = \eta_\text{ref} \cdot G / G_\text{ref}` or the square-root
  rule (Krizhevsky, 2014; Hoffer et al., 2017) :math:`\eta = \eta_\text{ref}\sqrt{G /
  G_\text{ref}}`;
* the **warm-up** in updates, keeping the number of examples seen during the warm-up (the
  default) or the number of updates;
* :meth:`TrainingPlan.check`: a warning when a schedule's horizon, or a trainer's, is not the
  plan's.

Updates per epoch, with :math:`D` examples: each process draws :math:`\lceil D/N \rceil`
examples (``DistributedSampler`` pads by repeating; :math:`\lfloor D/N \rfloor` with
``drop_last``), forms :math:`B` micro-batches (:math:`\lceil \cdot / b \rceil`, or
:math:`\lfloor \cdot / b \rfloor` with ``drop_last``), and makes :math:`\lceil B/A \rceil`
updates: an incomplete accumulation window at the end of an epoch still makes an update
(Lightning, Accelerate, Hugging Face's ``Trainer``), or :math:`\lfloor B/A \rfloor` with
``partial_window="drop"``. The horizon is ``max_steps`` when given (it wins over ``epochs``, as
in Lightning and Hugging Face), else :math:`\lceil E \cdot U \rceil` for :math:`E` epochs of
:math:`U` updates.

Example:
    >>> import lrdecay
    >>> plan = lrdecay.TrainingPlan(
    ...     dataset_size=50_000, batch_size=64, grad_accumulation=2, world_size=4, epochs=90,
    ...     reference_batch=256, reference_lr=0.1, reference_warmup=lrdecay.epochs(5),
    ... )
    >>> plan.global_batch, plan.updates_per_epoch, plan.total_updates
    (512, 98, 8820)
    >>> plan.peak_lr, plan.warmup_steps
    (0.2, 490)
    >>> schedule = lrdecay.warmup(
    ...     lrdecay.Cosine(plan.peak_lr, plan.total_updates - plan.warmup_steps), plan.warmup_steps
    ... )
    >>> plan.check(schedule)
    True
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any, Literal

from lrdecay._core import Schedule, check_int, check_number, check_positive
from lrdecay.units import Clock, Duration

__all__ = ["HorizonWarning", "TrainingPlan", "scale_lr"]

Rule = Literal["linear", "sqrt", "none"]
RULES: tuple[str, ...] = ("linear", "sqrt", "none")
WARMUP_RULES: tuple[str, ...] = ("samples", "steps")
PARTIAL_WINDOWS: tuple[str, ...] = ("update", "drop")


class HorizonWarning(UserWarning):
    """A schedule's horizon (the updates it was planned for) differs from the run's."""


def _choice(owner: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(
            f"{owner}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )
    return str(value)


def _factor(reference_batch: int, batch: int, rule: str) -> float:
    if rule == "linear":
        return batch / reference_batch
    if rule == "sqrt":
        return math.sqrt(batch / reference_batch)
    return 1.0


def scale_lr(lr: float, reference_batch: int, batch: int, rule: Rule = "linear") -> float:
    r"""A learning rate tuned at ``reference_batch`` examples per update, moved to ``batch``.

    .. math::
        \eta = \eta_\text{ref} \cdot \frac{G}{G_\text{ref}} \ (\texttt{linear}),\qquad
        \eta_\text{ref} \sqrt{G / G_\text{ref}} \ (\texttt{sqrt}),\qquad
        \eta_\text{ref} \ (\texttt{none})

    Both batch sizes are global: examples per optimizer update, over every process and every
    accumulated micro-batch.

    Example:
        >>> from lrdecay import scale_lr
        >>> scale_lr(0.1, reference_batch=256, batch=1024), scale_lr(1e-3, 256, 1024, "sqrt")
        (0.4, 0.002)
    """
    owner = "scale_lr"
    lr = check_number(owner, "lr", lr)
    reference_batch = check_int(owner, "reference_batch", reference_batch, minimum=1)
    batch = check_int(owner, "batch", batch, minimum=1)
    rule = _choice(owner, "rule", rule, RULES)  # type: ignore[assignment]
    return lr * _factor(reference_batch, batch, rule)


@dataclasses.dataclass(frozen=True)
class TrainingPlan:
    """The global batch, the horizon, the peak rate and the warm-up of a run (module docstring:
    the rules).

    Args:
        dataset_size: Training examples per epoch (``len(dataset)``, ``>= 1``).
        batch_size: Examples per micro-batch on one process (the ``DataLoader``'s batch size).
        epochs: Passes over the data (may be fractional); or give ``max_steps``.
        max_steps: Optimizer updates of the whole run; wins over ``epochs``.
        grad_accumulation: Micro-batches accumulated per update on each process (``>= 1``).
        world_size: Data-parallel processes (``>= 1``).
        drop_last: The sampler and the loader drop the incomplete tail instead of padding it and
            keeping a short last batch.
        partial_window: ``"update"`` (default): an incomplete accumulation window at the end of
            an epoch still makes an update; ``"drop"``: it does not.
        reference_batch: The global batch the reference rate and warm-up were tuned at.
        reference_lr: The peak rate at ``reference_batch`` (needs ``reference_batch``).
        rule: ``"linear"`` (default), ``"sqrt"`` or ``"none"``: how the rate moves with the batch.
        reference_warmup: The warm-up: in updates at ``reference_batch`` (a number or
            ``lrdecay.steps(n)``), or ``lrdecay.epochs(e)`` (passes over the data, whatever the
            batch).
        warmup_rule: For a warm-up in updates: ``"samples"`` (default) keeps the number of
            examples seen during it, :math:`W = W_\\text{ref} G_\\text{ref} / G` rounded;
            ``"steps"`` keeps the number of updates.

    Example:
        >>> from lrdecay import TrainingPlan
        >>> plan = TrainingPlan(dataset_size=1000, batch_size=32, max_steps=100)
        >>> plan.updates_per_epoch, plan.total_updates, plan.epochs_run
        (32, 100, 3.125)
    """

    dataset_size: int
    batch_size: int
    epochs: float | None = None
    max_steps: int | None = None
    grad_accumulation: int = 1
    world_size: int = 1
    drop_last: bool = False
    partial_window: str = "update"
    reference_batch: int | None = None
    reference_lr: float | None = None
    rule: str = "linear"
    reference_warmup: float | Duration = 0
    warmup_rule: str = "samples"

    def __post_init__(self) -> None:
        owner = "TrainingPlan"
        check_int(owner, "dataset_size", self.dataset_size, minimum=1)
        check_int(owner, "batch_size", self.batch_size, minimum=1)
        check_int(owner, "grad_accumulation", self.grad_accumulation, minimum=1)
        check_int(owner, "world_size", self.world_size, minimum=1)
        if not isinstance(self.drop_last, bool):
            raise TypeError(f"{owner}: drop_last must be a bool, got {self.drop_last!r}")
        _choice(owner, "partial_window", self.partial_window, PARTIAL_WINDOWS)
        _choice(owner, "rule", self.rule, RULES)
        _choice(owner, "warmup_rule", self.warmup_rule, WARMUP_RULES)
        if self.epochs is None and self.max_steps is None:
            raise ValueError(f"{owner}: give epochs or max_steps, got neither")
        if self.epochs is not None:
            object.__setattr__(self, "epochs", check_positive(owner, "epochs", self.epochs))
        if self.max_steps is not None:
            check_int(owner, "max_steps", self.max_steps, minimum=1)
        if self.reference_batch is not None:
            check_int(owner, "reference_batch", self.reference_batch, minimum=1)
        if self.reference_lr is not None:
            check_number(owner, "reference_lr", self.reference_lr)
            if self.reference_batch is None:
                raise ValueError(
                    f"{owner}: reference_lr={self.reference_lr!r} needs the reference_batch it "
                    "was tuned at, got None"
                )
        warm = self.reference_warmup
        if isinstance(warm, Duration):
            if warm.unit == "fraction":
                raise ValueError(
                    f"{owner}: reference_warmup must be in steps or epochs, got {warm!r} (a "
                    "fraction of the run does not change with the batch: use "
                    "clock.resolve on the plan's clock)"
                )
        else:
            check_number(owner, "reference_warmup", warm)
            if warm < 0:
                raise ValueError(f"{owner}: reference_warmup must be >= 0, got {warm!r}")
        updates = self._reference_warmup_updates
        if updates and self.warmup_rule == "samples" and self.reference_batch is None:
            raise ValueError(
                f"{owner}: a warm-up of {updates!r} updates kept in samples needs the "
                "reference_batch it was tuned at, got None (or give warmup_rule='steps')"
            )
        if self.updates_per_epoch < 1:
            raise ValueError(
                f"{owner}: an epoch of {self.dataset_size} examples makes no update with "
                f"batch_size={self.batch_size}, grad_accumulation={self.grad_accumulation}, "
                f"world_size={self.world_size}, drop_last=True and partial_window='drop'"
            )

    # ------------------------------------------------------------------ sizes
    @property
    def global_batch(self) -> int:
        """Examples per optimizer update: ``batch_size * grad_accumulation * world_size``."""
        return self.batch_size * self.grad_accumulation * self.world_size

    @property
    def batches_per_epoch(self) -> int:
        """Micro-batches one process draws per epoch."""
        n, b = self.world_size, self.batch_size
        per_process = self.dataset_size // n if self.drop_last else -(-self.dataset_size // n)
        return per_process // b if self.drop_last else -(-per_process // b)

    @property
    def updates_per_epoch(self) -> int:
        """Optimizer updates per epoch."""
        batches, a = self.batches_per_epoch, self.grad_accumulation
        return batches // a if self.partial_window == "drop" else -(-batches // a)

    @property
    def total_updates(self) -> int:
        """The horizon: ``max_steps`` if given, else ``ceil(epochs * updates_per_epoch)``."""
        if self.max_steps is not None:
            return self.max_steps
        assert self.epochs is not None
        return math.ceil(self.epochs * self.updates_per_epoch)

    @property
    def epochs_run(self) -> float:
        """Passes over the data the horizon makes (``total_updates / updates_per_epoch``)."""
        return self.total_updates / self.updates_per_epoch

    @property
    def clock(self) -> Clock:
        """A :class:`~lrdecay.Clock` with this plan's updates per epoch and horizon, to build
        schedules in epochs or fractions of the run."""
        return Clock(steps_per_epoch=self.updates_per_epoch, total_steps=self.total_updates)

    # ------------------------------------------------------------------ rates
    @property
    def lr_factor(self) -> float:
        """What the reference rate is multiplied by (1 without a ``reference_batch``)."""
        if self.reference_batch is None:
            return 1.0
        return _factor(self.reference_batch, self.global_batch, self.rule)

    @property
    def peak_lr(self) -> float:
        """``reference_lr`` moved to the global batch by ``rule``."""
        if self.reference_lr is None:
            raise ValueError("TrainingPlan: peak_lr needs reference_lr, got None")
        return self.reference_lr * self.lr_factor

    @property
    def _reference_warmup_updates(self) -> float | None:
        """The warm-up in updates at the reference batch, or ``None`` when given in epochs."""
        warm = self.reference_warmup
        if isinstance(warm, Duration):
            return None if warm.unit == "epochs" else warm.value
        return warm

    @property
    def warmup_steps(self) -> int:
        """The warm-up in optimizer updates (rounded to the nearest update)."""
        updates = self._reference_warmup_updates
        if updates is None:  # epochs: passes over the data, whatever the batch
            assert isinstance(self.reference_warmup, Duration)
            return round(self.reference_warmup.value * self.updates_per_epoch)
        if self.warmup_rule == "steps" or not updates:
            return round(updates)
        assert self.reference_batch is not None
        return round(updates * self.reference_batch / self.global_batch)

    def scale(self, schedule: Schedule) -> Schedule:
        """``schedule`` with every value multiplied by :attr:`lr_factor` (its shape unchanged)."""
        from lrdecay.combinators import scale

        return scale(schedule, self.lr_factor)

    # ------------------------------------------------------------------ the check
    def check(self, planned_updates: int | Schedule) -> bool:
        """Warn (:class:`HorizonWarning`) when ``planned_updates`` is not :attr:`total_updates`.

        ``planned_updates`` is a number of updates (a trainer's ``max_steps``, the horizon a
        schedule was built for) or a schedule, whose :attr:`~lrdecay.Schedule.total_steps` is
        used. Returns whether they agree. The warning says how the two differ and what the rate
        does in the gap: held at the schedule's end for the last updates, or cut off before it.
        """
        if isinstance(planned_updates, Schedule):
            planned = planned_updates.total_steps
            if not planned:  # None: it never settles; 0: constant from the start
                raise ValueError(
                    "TrainingPlan.check: the schedule has no horizon to check (it "
                    f"{'never settles' if planned is None else 'is constant'}), got "
                    f"{planned_updates!r}"
                )
            what = "the schedule ends after"
        else:
            planned = check_number("TrainingPlan.check", "planned_updates", planned_updates)
            what = "planned:"
        actual = self.total_updates
        if planned == actual:
            return True
        derivation = (
            f"{self.dataset_size} examples, batch {self.batch_size} x accumulation "
            f"{self.grad_accumulation} x world size {self.world_size} = global batch "
            f"{self.global_batch}, {self.updates_per_epoch} updates per epoch"
        )
        if planned < actual:
            gap = (
                f"the last {actual - planned:g} updates "
                f"({(actual - planned) / actual:.0%} of the run) would hold the end value"
            )
        else:
            gap = (
                f"training stops {planned - actual:g} updates before the schedule ends, "
                "which never reaches its end value"
            )
        warnings.warn(
            f"lrdecay.TrainingPlan: {what} {planned:g} updates, but the run makes {actual} "
            f"({derivation}): {gap}",
            HorizonWarning,
            stacklevel=2,
        )
        return False
