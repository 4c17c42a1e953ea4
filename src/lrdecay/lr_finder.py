r"""The learning-rate range test (Smith, 2017): a short run whose rate grows exponentially, the
loss recorded at every update, and a suggested peak rate read off the curve.

Update :math:`i` of :math:`n` uses the rate

.. math::
    \eta_i = \eta_0 \left(\frac{\eta_1}{\eta_0}\right)^{i/(n-1)}

(lrdecay's :class:`~lrdecay.Exponential`, growing). The losses are smoothed by an exponential
moving average with bias correction, :math:`m_i = \beta m_{i-1} + (1-\beta)\ell_i`,
:math:`\bar\ell_i = m_i / (1 - \beta^{i+1})`, and the test stops early once the smoothed loss
exceeds ``diverge`` times its minimum (or a loss is not finite): the rate is then far too high.

What it reports, from the losses smoothed by a narrower average (:math:`\beta' = \min(\beta, 1 -
25/n)`: about 4 updates of every 100) run forwards and then backwards, which removes the
average's lag, so that the minimum is where the loss really turned:

* ``min_loss_lr``: the rate at the lowest smoothed loss. Training is unstable from about there on.
* ``steepest_lr``: the rate where the smoothed loss falls fastest per decade of rate, before the
  minimum.
* ``suggested_lr``: ``min_loss_lr / 10``, a peak rate for a warm-up + decay schedule (the rule
  fastai popularised): an order of magnitude below where the loss stops improving.

:func:`find_lr` takes any training step ``train_step(lr) -> loss`` (your model, your data, your
framework): it makes one optimizer update at rate ``lr`` and returns that update's loss.
:func:`digits_step` is the built-in one: ``lrdecay study``'s model and data.

Example:
    A quadratic :math:`\tfrac12 L w^2` under gradient descent diverges above :math:`2/L`:

    >>> import lrdecay
    >>> state = {"w": 1.0}
    >>> def step(lr):
    ...     loss = 0.5 * 4.0 * state["w"] ** 2
    ...     state["w"] -= lr * 4.0 * state["w"]
    ...     return loss
    >>> result = lrdecay.find_lr(step, start_lr=1e-4, end_lr=10.0, num_steps=100)
    >>> result.suggested_lr < 2 / 4.0 < result.min_loss_lr * 4
    True
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lrdecay._core import check_int, check_number

__all__ = ["LRFinderResult", "digits_step", "find_lr"]


@dataclasses.dataclass(frozen=True)
class LRFinderResult:
    """What a range test recorded and what it suggests (module docstring)."""

    lrs: list[float]
    """The rate of every update made."""
    losses: list[float]
    """The loss of every update made."""
    smoothed: list[float]
    """The losses smoothed forwards and backwards (no lag), what the rates are read from."""
    min_loss_lr: float
    steepest_lr: float
    suggested_lr: float
    stopped_early: bool
    """Whether the loss diverged before the last planned update."""

    def summary(self) -> str:
        """Three lines: the suggestion and the two rates it comes from."""
        stop = " (stopped early: the loss diverged)" if self.stopped_early else ""
        return (
            f"suggested peak learning rate: {self.suggested_lr:.3g} (lowest loss / 10)\n"
            f"lowest smoothed loss at:      {self.min_loss_lr:.3g}\n"
            f"steepest descent at:          {self.steepest_lr:.3g}\n"
            f"updates: {len(self.lrs)}{stop}"
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def plot(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Loss against rate (log scale), raw and smoothed, the three rates marked."""
        from matplotlib.figure import Figure

        figure = Figure(figsize=(7.5, 4.5), layout="constrained")
        ax = figure.subplots()
        ax.plot(self.lrs, self.losses, color="0.75", lw=1, label="loss")
        ax.plot(self.lrs, self.smoothed, color="C0", lw=2, label="smoothed loss")
        for value, label, colour in (
            (self.suggested_lr, f"suggested peak {self.suggested_lr:.2g}", "C2"),
            (self.steepest_lr, f"steepest {self.steepest_lr:.2g}", "C1"),
            (self.min_loss_lr, f"lowest loss {self.min_loss_lr:.2g}", "C3"),
        ):
            ax.axvline(value, color=colour, ls="--", lw=1.2, label=label)
        ax.set_xscale("log")
        finite = [v for v in (*self.smoothed, *self.losses) if math.isfinite(v)]
        if finite:  # keep the divergence from flattening the interesting part
            low, first = min(finite), self.smoothed[0]
            span = max(first - low, 1e-12)
            ax.set_ylim(low - 0.05 * span, first + 0.6 * span)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.set_title(title or "Learning-rate range test")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, dpi=110)
        return target


def find_lr(
    train_step: Callable[[float], float],
    *,
    start_lr: float = 1e-6,
    end_lr: float = 10.0,
    num_steps: int = 100,
    smoothing: float = 0.98,
    diverge: float = 4.0,
    progress: Callable[[int, int], None] | None = None,
) -> LRFinderResult:
    """Run the range test with ``train_step`` (module docstring).

    Args:
        train_step: Makes one optimizer update at the given rate and returns its loss (a
            number). It owns the model, the data and the optimizer: set the rate on the
            optimizer (``group["lr"] = lr``) before its update.
        start_lr: The first rate (``> 0``).
        end_lr: The last rate (``> start_lr``).
        num_steps: Updates, at most (``>= 5``).
        smoothing: :math:`\\beta` of the moving average, in ``[0, 1)``.
        diverge: Stop once the smoothed loss exceeds this many times its minimum (``> 1``).
        progress: Called as ``progress(update, num_steps)`` after every update.

    Returns:
        An :class:`LRFinderResult`.
    """
    from lrdecay.curves import Exponential

    owner = "find_lr"
    start = check_number(owner, "start_lr", start_lr)
    end = check_number(owner, "end_lr", end_lr)
    if start <= 0:
        raise ValueError(f"find_lr: start_lr must be > 0, got {start!r}")
    if end <= start:
        raise ValueError(f"find_lr: end_lr must be > start_lr={start!r}, got {end!r}")
    n = check_int(owner, "num_steps", num_steps, minimum=5)
    beta = check_number(owner, "smoothing", smoothing)
    if not 0 <= beta < 1:
        raise ValueError(f"find_lr: smoothing must be in [0, 1), got {beta!r}")
    factor = check_number(owner, "diverge", diverge)
    if factor <= 1:
        raise ValueError(f"find_lr: diverge must be > 1, got {factor!r}")
    if not callable(train_step):
        raise TypeError(f"find_lr: train_step must be callable, got {type(train_step).__name__}")
    rates = Exponential(start, decay_steps=n - 1, decay_rate=end / start)
    lrs: list[float] = []
    losses: list[float] = []
    smoothed: list[float] = []
    average, best = 0.0, math.inf
    stopped = False
    for i in range(n):
        lr = float(rates(i))
        value = train_step(lr)
        try:
            loss = float(value)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"find_lr: train_step must return the loss as a number, got {type(value).__name__}"
            ) from error
        lrs.append(lr)
        losses.append(loss)
        if progress is not None:
            progress(i + 1, n)
        if not math.isfinite(loss):
            smoothed.append(math.inf)
            stopped = i < n - 1
            break
        average = beta * average + (1 - beta) * loss
        current = average / (1 - beta ** (i + 1))
        smoothed.append(current)
        best = min(best, current)
        if i > 0 and current > factor * best:
            stopped = i < n - 1
            break
    # the curve the rates are read from: a narrower window (4 updates of every 100 on each side)
    narrow = min(beta, max(0.0, 1 - 25 / n))
    curve = _zero_lag(losses, narrow, factor * best if math.isfinite(best) else math.inf)
    lowest = int(np.argmin(curve))
    if lowest >= 2:
        slope = np.gradient(curve[: lowest + 1], np.log(lrs[: lowest + 1]))
        steepest = int(np.argmin(slope))
    else:
        steepest = lowest
    return LRFinderResult(
        lrs=lrs,
        losses=losses,
        smoothed=[float(v) for v in curve],
        min_loss_lr=lrs[lowest],
        steepest_lr=lrs[steepest],
        suggested_lr=lrs[lowest] / 10,
        stopped_early=stopped,
    )


def _ema(values: np.ndarray, beta: float) -> np.ndarray:
    out = np.empty_like(values)
    average = 0.0
    for i, value in enumerate(values):
        average = beta * average + (1 - beta) * value
        out[i] = average / (1 - beta ** (i + 1))
    return out


def _zero_lag(losses: list[float], beta: float, cap: float) -> np.ndarray:
    """The losses smoothed forwards, then backwards: no lag. Losses above ``cap`` (where the
    test stops: ``diverge`` times the lowest smoothed loss), or not finite, count as ``cap``:
    a diverging loss grows exponentially and would swamp any average."""
    values = np.asarray(losses, dtype=np.float64)
    if not np.isfinite(values[0]):
        raise ValueError("find_lr: the first loss is not finite; lower start_lr")
    values = np.where(np.isfinite(values), np.minimum(values, cap), cap)
    return _ema(_ema(values, beta)[::-1], beta)[::-1]


def digits_step(
    optimizer: str = "momentum", *, seed: int = 0, batch_size: int = 32
) -> Callable[[float], float]:
    """The built-in training step: ``lrdecay study``'s model on the digits, batches in a seeded
    order (reshuffled every epoch), ``optimizer`` from :data:`lrdecay.study.OPTIMIZERS`.

    Uses one thread while it runs (the caller's setting is restored after each update).
    """
    import torch

    from lrdecay.study import OPTIMIZERS, _Threads, digits, network, update

    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"digits_step: unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZERS)}"
        )
    batch_size = check_int("digits_step", "batch_size", batch_size, minimum=1)
    data = digits()
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    with _Threads():
        model = network(seed)
    opt = OPTIMIZERS[optimizer].build(model.parameters(), 0.0)
    order = torch.Generator().manual_seed(seed)
    batches: list[Any] = []

    def step(lr: float) -> float:
        with _Threads():
            if not batches:
                permutation: Any = torch.randperm(len(x), generator=order)
                batches.extend(permutation.split(batch_size))
            index = batches.pop(0)
            for group in opt.param_groups:
                group["lr"] = lr
            return update(model, opt, x[index], y[index])

    return step
