"""PyTorch: a :class:`torch.optim.lr_scheduler.LRScheduler` that sets a schedule's value.

``lrdecay.torch.scheduler(optimizer, schedule)`` is a real ``LRScheduler``: it goes wherever one
goes (a plain training loop, Lightning's ``configure_optimizers``, Hugging Face's
``Trainer(optimizers=(optimizer, scheduler))``). After ``k`` calls to :meth:`Scheduler.step` every
parameter group's learning rate is the schedule's value at step ``k``:

.. math::

    \\text{lr}_g(k) = s_g(k) \\quad\\text{or, with } \\texttt{relative=True},\\quad
    \\text{lr}_g(k) = \\text{base}_g \\cdot s_g(k)

where ``s_g`` is the group's schedule (one for all groups, or one per group) and ``base_g`` the
group's learning rate when the scheduler was built. The value is computed from ``k`` alone — never
from the rate the optimizer holds — so a scheduler rebuilt at step ``k`` (``step=k``, or
:meth:`~Scheduler.load_state_dict`) continues the identical sequence.

What it does not do, unlike PyTorch's own schedulers: it never wraps ``optimizer.step`` (so it
never warns about the order of calls), never writes ``initial_lr`` into the optimizer, and never
multiplies the previous rate.

A tensor learning rate (``torch.optim.AdamW(params, lr=torch.tensor(1e-3))``, the way to use a
``torch.compile``\\ d optimizer step without recompiling) is updated in place — the same tensor, of
the same dtype, on the same device — from a step counter kept on that device: no host
synchronisation, no new tensor, so a compiled optimizer step does not recompile as the rate
changes. Momentum (``momentum`` of SGD/RMSprop, the first of ``betas`` of Adam-like optimizers) is
scheduled the same way with ``momentum=``.

This module imports torch; ``import lrdecay`` never does.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from lrdecay._core import Schedule
from lrdecay.config import from_config, to_config

__all__ = ["Scheduler", "scheduler"]

_FORMAT = "lrdecay.torch.Scheduler/1"
_POLICIES = ("error", "keep_saved", "use_new")
_MAX_STEP = 1 << 53

Policy = Literal["error", "keep_saved", "use_new"]


def _fail_type(name: str, expected: str, value: Any) -> TypeError:
    return TypeError(
        f"lrdecay.torch.scheduler: {name} must be {expected}, "
        f"got {value!r} ({type(value).__name__})"
    )


def _check_step(value: Any, name: str = "step") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _fail_type(name, "an int (completed optimizer updates)", value)
    step = int(value)
    if not 0 <= step <= _MAX_STEP:
        raise ValueError(f"lrdecay.torch.scheduler: {name} must be in [0, 2**53], got {step}")
    return step


def _schedules(value: Any, name: str, groups: int) -> tuple[tuple[Schedule, ...], bool]:
    """The schedules and whether one schedule serves every group (also groups added later)."""
    if isinstance(value, Schedule):
        return (value,), True
    if isinstance(value, (list, tuple)):
        if not all(isinstance(s, Schedule) for s in value):
            bad = next(s for s in value if not isinstance(s, Schedule))
            raise _fail_type(f"every item of {name}", "an lrdecay Schedule", bad)
        if len(value) != groups:
            raise ValueError(
                f"lrdecay.torch.scheduler: {name} has {len(value)} schedules for an optimizer "
                f"with {groups} param groups: give one schedule per group, or a single schedule"
            )
        return tuple(value), False
    raise _fail_type(name, "an lrdecay Schedule or a list of them (one per param group)", value)


def _momentum_key(group: dict[str, Any], index: int) -> str:
    if "momentum" in group:
        return "momentum"
    if "betas" in group:
        return "betas"
    raise ValueError(
        f"lrdecay.torch.scheduler: momentum was given, but param group {index} has neither "
        f"'momentum' nor 'betas' (its keys: {sorted(k for k in group if k != 'params')})"
    )


def _number(value: Any) -> float:
    """A group's base rate as a Python number, read once (a tensor is read back here only)."""
    if isinstance(value, torch.Tensor):
        return float(value.detach().to("cpu", torch.float64).reshape(()).item())
    return float(value)


class Scheduler(LRScheduler):
    """Sets each param group's learning rate (and, optionally, momentum) to a schedule's value.

    Build it with :func:`scheduler`. After ``k`` calls to :meth:`step`, the group's ``lr`` is

    .. math::

        \\text{lr}_g = s_g(k) \\quad\\text{or}\\quad \\text{base}_g \\cdot s_g(k)
        \\ (\\texttt{relative=True})

    Attributes:
        optimizer: the optimizer whose groups it sets.
        last_epoch: the number of completed updates ``k`` (PyTorch's name; also :attr:`step_count`).
        base_lrs: each group's learning rate when the scheduler was built (a Python float).
        schedules: the schedules, one per group (or a single one for every group).
        relative: whether a schedule's value multiplies the group's base rate.

    Example:
        >>> import torch, lrdecay, lrdecay.torch
        >>> model = torch.nn.Linear(2, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> sched = lrdecay.torch.scheduler(opt, lrdecay.Cosine(init_value=0.1, decay_steps=10))
        >>> for _ in range(5):
        ...     opt.step()
        ...     sched.step()
        >>> round(opt.param_groups[0]["lr"], 6), sched.last_epoch
        (0.05, 5)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedule: Schedule | Sequence[Schedule],
        *,
        relative: bool = False,
        momentum: Schedule | Sequence[Schedule] | None = None,
        step: int = 0,
        on_config_change: Policy = "error",
        capturable: bool | None = None,
    ) -> None:
        # LRScheduler.__init__ is deliberately not called: it wraps optimizer.step (to warn about
        # the order of calls) and writes 'initial_lr' into every group, neither of which a pure
        # function of the step needs.
        if not isinstance(optimizer, Optimizer):
            raise _fail_type("optimizer", "a torch.optim.Optimizer", optimizer)
        if not isinstance(relative, bool):
            raise _fail_type("relative", "a bool", relative)
        if capturable is not None and not isinstance(capturable, bool):
            raise _fail_type("capturable", "None or a bool", capturable)
        if on_config_change not in _POLICIES:
            raise ValueError(
                "lrdecay.torch.scheduler: on_config_change must be one of "
                f"{', '.join(map(repr, _POLICIES))}, got {on_config_change!r}"
            )
        groups = optimizer.param_groups
        self.optimizer = optimizer
        self.relative = relative
        self.capturable = capturable
        self.on_config_change: Policy = on_config_change
        self.schedules, self._shared = _schedules(schedule, "schedule", len(groups))
        self.momentum_schedules: tuple[Schedule, ...] | None = None
        self._momentum_shared = True
        if momentum is not None:
            self.momentum_schedules, self._momentum_shared = _schedules(
                momentum, "momentum", len(groups)
            )
            for i, group in enumerate(groups):
                _momentum_key(group, i)
        self._bases: list[float] = []  # base_lrs, as Python floats
        self.base_lrs: list[float | torch.Tensor] = []
        self._base_tensors: list[torch.Tensor | None] = []
        self._counters: dict[torch.device, torch.Tensor] = {}
        self.last_epoch = _check_step(step)
        # PyTorch's count of step() calls (1 after construction), which tools built for its
        # schedulers increment or read (Accelerate's AcceleratedScheduler); nothing here uses it.
        self._step_count = 1
        self._adopt_new_groups()
        self._write()

    # ------------------------------------------------------------------ PyTorch's interface
    def step(self, epoch: int | None = None) -> None:
        """Count one completed optimizer update and set every group to the schedule's next value.

        Args:
            epoch: PyTorch's old way to jump to a step; given, it is the same as
                :meth:`set_step` (``epoch`` completed updates). No deprecation warning: a pure
                schedule can be evaluated at any step.
        """
        if epoch is not None:
            self.set_step(epoch)
            return
        self.last_epoch += 1
        self._step_count += 1
        if self._counters:
            for counter in self._counters.values():
                counter.add_(1)
        self._write()

    def set_step(self, step: int) -> None:
        """Set the number of completed updates to ``step`` and the groups to the value there.

        This is how a run resumes from its global step alone, without the scheduler's saved state:
        ``scheduler.set_step(global_step)`` (or build it with ``step=global_step``).
        """
        self.last_epoch = _check_step(step)
        for counter in self._counters.values():
            counter.fill_(self.last_epoch)
        self._write()

    @property
    def step_count(self) -> int:
        """The number of completed optimizer updates: the step whose value the groups hold."""
        return int(self.last_epoch)

    def get_lr(self) -> list[float | torch.Tensor]:
        """The learning rate of every group at the current step, as Python floats (computed in
        double precision from the schedule, on the host: no device work, no synchronisation)."""
        self._adopt_new_groups()
        k = self.last_epoch
        return [
            self._schedule(i)(k) * (self._bases[i] if self.relative else 1.0)
            for i in range(len(self.optimizer.param_groups))
        ]

    def get_last_lr(self) -> list[float | torch.Tensor]:
        """Same as :meth:`get_lr`: the rates set by the last :meth:`step` (a pure schedule has
        no other)."""
        return self.get_lr()

    def state_dict(self) -> dict[str, Any]:
        """The step and the configuration, as plain data (JSON-able, ``torch.load``-able with
        ``weights_only=True``)."""
        return {
            "format": _FORMAT,
            "step": int(self.last_epoch),
            **self._config(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from a saved :meth:`state_dict`: its step, and the groups set to its value.

        A saved configuration (schedules, ``relative``, base rates, momentum) different from this
        scheduler's raises :class:`ValueError`, unless the scheduler was built with
        ``on_config_change="keep_saved"`` (continue with the saved configuration) or
        ``"use_new"`` (continue with this one, from the saved step).
        """
        if not isinstance(state_dict, dict):
            raise _fail_type("state_dict", "a dict from Scheduler.state_dict()", state_dict)
        if state_dict.get("format") != _FORMAT:
            raise ValueError(
                f"lrdecay.torch.Scheduler.load_state_dict: state_dict is not a {_FORMAT!r} state "
                f"(its 'format' is {state_dict.get('format')!r}); keys: {sorted(state_dict)}"
            )
        step = _check_step(state_dict.get("step"), "state_dict['step']")
        saved = {key: state_dict.get(key) for key in self._config()}
        current = self._config()
        if saved != current:
            changed = sorted(key for key in current if saved[key] != current[key])
            if self.on_config_change == "error":
                raise ValueError(
                    "lrdecay.torch.Scheduler.load_state_dict: the saved configuration differs "
                    f"from this scheduler's in {', '.join(changed)}: saved {saved}, this one "
                    f"{current}. Build the scheduler with on_config_change='keep_saved' to "
                    "continue with the saved configuration, or 'use_new' to continue with this "
                    "one from the saved step"
                )
            if self.on_config_change == "keep_saved":
                self._restore(saved)
        self.set_step(step)

    # ------------------------------------------------------------------ internals
    def _schedule(self, group: int) -> Schedule:
        return self.schedules[0 if self._shared else group]

    def _momentum(self, group: int) -> Schedule:
        assert self.momentum_schedules is not None
        return self.momentum_schedules[0 if self._momentum_shared else group]

    def _config(self) -> dict[str, Any]:
        momentum = self.momentum_schedules
        return {
            "schedules": [to_config(s) for s in self.schedules],
            "relative": self.relative,
            "base_lrs": list(self._bases) if self.relative else None,
            "momentum": None if momentum is None else [to_config(s) for s in momentum],
        }

    def _restore(self, saved: dict[str, Any]) -> None:
        groups = len(self.optimizer.param_groups)
        configs = saved["schedules"]
        if not isinstance(configs, list) or not configs:
            raise ValueError(f"state_dict['schedules'] must be a non-empty list, got {configs!r}")
        self.schedules = tuple(from_config(c) for c in configs)
        self._shared = len(self.schedules) == 1
        if not self._shared and len(self.schedules) != groups:
            raise ValueError(
                f"state_dict['schedules'] has {len(self.schedules)} schedules for an optimizer "
                f"with {groups} param groups"
            )
        self.relative = bool(saved["relative"])
        if saved["momentum"] is None:
            self.momentum_schedules = None
        else:
            self.momentum_schedules = tuple(from_config(c) for c in saved["momentum"])
            self._momentum_shared = len(self.momentum_schedules) == 1
        if self.relative:
            bases = saved["base_lrs"]
            if not isinstance(bases, list) or len(bases) != groups:
                raise ValueError(
                    f"state_dict['base_lrs'] must list {groups} base rates, got {bases!r}"
                )
            self._bases = [float(b) for b in bases]
            self.base_lrs = list(self._bases)
            self._base_tensors = [self._base_tensor(i) for i in range(groups)]

    def _base_tensor(self, index: int) -> torch.Tensor | None:
        lr = self.optimizer.param_groups[index]["lr"]
        if not isinstance(lr, torch.Tensor):
            return None
        # The base rate, snapshotted by value, on the rate's device and in its dtype.
        return torch.tensor(self._bases[index], dtype=lr.dtype, device=lr.device)

    def _adopt_new_groups(self) -> None:
        """Take in the groups the optimizer has gained since the last step (``add_param_group``)."""
        groups = self.optimizer.param_groups
        known = len(self._bases)
        if known == len(groups):
            return
        for name, given, shared in (
            ("schedule", self.schedules, self._shared),
            ("momentum", self.momentum_schedules, self._momentum_shared),
        ):
            if given is not None and not shared and len(given) != len(groups):
                raise ValueError(
                    f"lrdecay.torch.Scheduler: the optimizer now has {len(groups)} param groups, "
                    f"but {name} was given one schedule per group for {len(given)}; build a new "
                    "scheduler, or give a single schedule for every group"
                )
        for index in range(known, len(groups)):
            if self.momentum_schedules is not None:
                _momentum_key(groups[index], index)
            self._bases.append(_number(groups[index]["lr"]))
            self.base_lrs.append(self._bases[-1])
            self._base_tensors.append(self._base_tensor(index))

    def _counter(self, device: torch.device) -> torch.Tensor:
        counter = self._counters.get(device)
        if counter is None:
            counter = torch.full((), self.last_epoch, dtype=torch.int64, device=device)
            self._counters[device] = counter
        return counter

    def _tensor_value(self, schedule: Schedule, like: torch.Tensor) -> torch.Tensor:
        dtype = "float64" if like.dtype == torch.float64 else None
        value: torch.Tensor = schedule(self._counter(like.device), dtype=dtype)
        return value

    def _on_device(self, tensor: torch.Tensor) -> bool:
        if self.capturable is None:
            return tensor.device.type != "cpu"
        return self.capturable

    def _write(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self._bases):
            self._adopt_new_groups()
        k = self.last_epoch
        shared: float | None = None  # the shared schedule's value, computed once on the host
        for i, group in enumerate(groups):
            lr = group["lr"]
            if isinstance(lr, torch.Tensor) and self._on_device(lr):
                value = self._tensor_value(self._schedule(i), lr)
                base = self._base_tensors[i]
                if self.relative and base is not None:
                    torch.mul(value, base, out=value)
                lr.copy_(value)
                continue
            if not self._shared:
                v = self.schedules[i](k)
            elif shared is None:
                v = shared = self.schedules[0](k)
            else:
                v = shared
            if self.relative:
                v *= self._bases[i]
            if isinstance(lr, torch.Tensor):
                lr.fill_(v)  # in place: the same tensor, dtype and device
            else:
                group["lr"] = v
        if self.momentum_schedules is not None:
            for i, group in enumerate(groups):
                self._write_momentum(i, group, self._momentum(i), k)

    def _write_momentum(
        self, index: int, group: dict[str, Any], schedule: Schedule, k: int
    ) -> None:
        key = _momentum_key(group, index)
        current = group[key][0] if key == "betas" else group[key]
        if isinstance(current, torch.Tensor):
            if self._on_device(current):
                current.copy_(self._tensor_value(schedule, current))
            else:
                current.fill_(schedule(k))
            return
        value = schedule(k)
        if key == "betas":
            group["betas"] = (value, *tuple(group["betas"])[1:])
        else:
            group[key] = value

    def __repr__(self) -> str:
        shown = self.schedules[0] if self._shared else list(self.schedules)
        return (
            f"lrdecay.torch.Scheduler({type(self.optimizer).__name__}, {shown!r}, "
            f"relative={self.relative}, step={self.last_epoch})"
        )


def scheduler(
    optimizer: Optimizer,
    schedule: Schedule | Sequence[Schedule],
    *,
    relative: bool = False,
    momentum: Schedule | Sequence[Schedule] | None = None,
    step: int = 0,
    on_config_change: Policy = "error",
    capturable: bool | None = None,
) -> Scheduler:
    """A PyTorch ``LRScheduler`` that sets every param group to ``schedule``'s value at each step.

    The group's learning rate after ``k`` calls to ``step()`` (``k`` completed optimizer updates):

    .. math::

        \\text{lr}_g = s_g(k) \\quad\\text{or, with } \\texttt{relative=True},\\quad
        \\text{lr}_g = \\text{base}_g \\cdot s_g(k)

    Building the scheduler sets the groups to the value at ``step`` (0: the rate of the first
    update). Call ``scheduler.step()`` after each ``optimizer.step()``.

    Args:
        optimizer: any ``torch.optim.Optimizer``. Its groups' ``lr`` may be floats or tensors
            (updated in place, on their device, without a host synchronisation).
        schedule: one :class:`~lrdecay.Schedule` for every group (groups added later with
            ``add_param_group`` included), or a list with one per group.
        relative: ``False`` (default): the schedule's value *is* the learning rate. ``True``: it
            multiplies each group's own learning rate as it was when the scheduler was built
            (``base_lrs``, snapshotted by value) — one schedule for groups of different rates.
        momentum: a schedule (or one per group) for each group's ``momentum``, or for the first
            of its ``betas`` (Adam, AdamW, ...). ``None``: momentum is left alone.
        step: completed updates so far: ``step=global_step`` resumes a run from its global step
            alone, with the identical sequence of rates.
        on_config_change: what :meth:`Scheduler.load_state_dict` does when the saved
            configuration differs from this one: ``"error"`` (default), ``"keep_saved"``,
            ``"use_new"``.
        capturable: where a tensor rate is computed. ``None`` (default): a tensor on an
            accelerator is computed there, from a step counter kept on that device (no host
            synchronisation, and ``step()`` can be captured in a CUDA graph); a CPU tensor is
            filled in place with the value computed in double precision. ``True``: always on the
            tensor's device; ``False``: always filled from the double-precision value (no
            synchronisation either: the value travels as a kernel argument).

    Returns:
        A :class:`Scheduler` (a ``torch.optim.lr_scheduler.LRScheduler``).

    Raises:
        TypeError: ``optimizer`` is not an optimizer, a schedule is not a ``Schedule``.
        ValueError: a list of schedules does not match the groups, ``step`` is negative, a group
            has no momentum to schedule.

    Example:
        >>> import torch, lrdecay, lrdecay.torch
        >>> model = torch.nn.Linear(4, 1)
        >>> opt = torch.optim.AdamW(model.parameters(), lr=torch.tensor(0.0))
        >>> s = lrdecay.warmup(lrdecay.Cosine(init_value=1e-3, decay_steps=90), steps=10)
        >>> sched = lrdecay.torch.scheduler(opt, s)
        >>> for _ in range(10):
        ...     model(torch.ones(4)).sum().backward()
        ...     opt.step()
        ...     opt.zero_grad()
        ...     sched.step()
        >>> round(float(opt.param_groups[0]["lr"]), 7), sched.get_last_lr()
        (0.001, [0.001])
    """
    return Scheduler(
        optimizer,
        schedule,
        relative=relative,
        momentum=momentum,
        step=step,
        on_config_change=on_config_change,
        capturable=capturable,
    )
