r"""A schedule study on real data: the same small model trained once per candidate schedule.

``lrdecay study`` (and :func:`run_study`) trains a small multilayer perceptron on scikit-learn's
handwritten digits (1,797 8×8 images shipped inside scikit-learn: no download) with PyTorch on
the CPU, once per candidate schedule, per optimizer and per seed, and reports what each schedule
did: the final validation loss and accuracy (mean ± standard deviation over the seeds), the
epoch of the best validation loss, whether the schedule is within noise of the best, and the
wall time; plus a figure with the validation-loss curves and each schedule's rate underneath.

**Candidates.** By default: a constant rate (the baseline), the eleven schedules of the survey of
TensorFlow 1's learning-rate decay strategies (built by :mod:`lrdecay.compat.tf1`, with their
horizons stretched to the run), and three modern ones (linear warm-up + cosine, one-cycle,
warmup–stable–decay). Each is a *shape* whose peak is 1, multiplied by the optimizer's peak
rate (:data:`OPTIMIZERS`), so one set of shapes serves every optimizer. Schedules given by the
user are absolute rates, unless ``relative=True``.

**Honest about noise.** Every candidate is trained with the same seeds (the seed sets the
initial weights and the order of the batches), so two schedules are compared run for run: a
schedule is *within noise of the best* when the mean of its per-seed differences in final
validation loss to the best schedule is less than two standard errors of those differences
(with one seed, nothing is). The digits are an easy task, and several schedules usually tie.

**Reproducible.** The runs use one thread and their own random generators (the caller's global
RNG state and thread count are restored afterwards); two runs of a study give identical numbers,
wall times aside.

Example:
    >>> import lrdecay, lrdecay.study
    >>> result = lrdecay.study.run_study(
    ...     {"cosine": lrdecay.Cosine(0.1, 90)}, optimizers=["momentum"], seeds=[0], epochs=2
    ... )  # doctest: +SKIP
    >>> result.summary()[0]["final_accuracy"] > 0.8  # doctest: +SKIP
    True
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lrdecay._core import Schedule

__all__ = [
    "OPTIMIZERS",
    "OptimizerChoice",
    "Run",
    "StudyResult",
    "default_candidates",
    "digits",
    "load_study",
    "run_study",
]

PIP_HINT = "lrdecay study needs PyTorch and scikit-learn: pip install 'lrdecay[study]'"

DEFAULT_EPOCHS = 20
DEFAULT_BATCH_SIZE = 32
DEFAULT_SEEDS = (0, 1, 2)
VALIDATION = 360
"""Digits held out for validation (a fixed split, the same for every run): 20 %."""
HIDDEN = 64
DIVERGED = 10.0
"""A run has diverged when a loss is not finite, or an epoch's mean training loss exceeds this
many times the loss of the first update (before any rate was applied): it is stopped there."""


@dataclasses.dataclass(frozen=True)
class OptimizerChoice:
    """An optimizer of the study: a ``torch.optim`` class, its arguments and its peak rate (the
    rate a shape's 1 is: close to the best constant rate on the digits task, found with
    ``lrdecay find-lr`` and a sweep)."""

    name: str
    torch_class: str
    peak_lr: float
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def build(self, parameters: Any, lr: float) -> Any:
        import torch

        return getattr(torch.optim, self.torch_class)(parameters, lr=lr, **self.kwargs)


OPTIMIZERS: dict[str, OptimizerChoice] = {
    "sgd": OptimizerChoice("sgd", "SGD", 1.0),
    "momentum": OptimizerChoice("momentum", "SGD", 0.1, {"momentum": 0.9}),
    "adagrad": OptimizerChoice("adagrad", "Adagrad", 0.3),
    "rmsprop": OptimizerChoice("rmsprop", "RMSprop", 3e-3),
    "adadelta": OptimizerChoice("adadelta", "Adadelta", 3.0),
    "adam": OptimizerChoice("adam", "Adam", 3e-3),
}
"""The optimizers ``--optimizer`` accepts (those the survey of TensorFlow 1's learning-rate decay
strategies pairs fixed decay with), and the peak rate of each."""


# --------------------------------------------------------------------------- candidates
def default_candidates(total_steps: int) -> dict[str, Schedule]:
    """The default candidate shapes (peak 1) for a run of ``total_steps`` optimizer updates.

    The survey's schedules keep their shapes (a staircase, ``alpha``, ``t_mul``, the burn-in
    and warm-up rates relative to the peak) with every length stretched to the run: each decay
    ends at step ``total_steps`` (the step after the last update), warm-ups and burn-ins take 5 %
    of the run, and the cosine with restarts makes three cycles (``t_mul=2``) in it.

    Example:
        >>> from lrdecay.study import default_candidates
        >>> shapes = default_candidates(1000)
        >>> len(shapes), shapes["cosine"](0), round(shapes["warmup + cosine"](50), 12)
        (15, 1.0, 1.0)
    """
    from lrdecay.combinators import WSD, OneCycle, warmup
    from lrdecay.compat import tf1
    from lrdecay.curves import Constant, Cosine

    t = int(total_steps)
    if t < 20:
        raise ValueError(f"default_candidates: total_steps must be >= 20, got {total_steps!r}")
    w = max(1, round(0.05 * t))
    tenth = max(1, round(t / 10))
    end = 0.01  # where the decays end, relative to the peak
    rate = end ** (tenth / t)  # exponential: reaches `end` at the last update
    return {
        "constant": Constant(1.0),
        "piecewise constant": tf1.piecewise_constant(
            boundaries=[t // 2, 3 * t // 4], values=[1.0, 0.1, 0.01]
        ),
        "exponential": tf1.exponential_decay(1.0, decay_steps=tenth, decay_rate=rate),
        "natural exp (staircase)": tf1.natural_exp_decay(
            1.0, decay_steps=tenth, decay_rate=-math.log(rate), staircase=True
        ),
        "inverse time": tf1.inverse_time_decay(
            1.0, decay_steps=tenth, decay_rate=(1 / end - 1) * tenth / t
        ),
        "polynomial (linear)": tf1.polynomial_decay(
            1.0, decay_steps=t, end_learning_rate=end, power=1.0
        ),
        "cosine": tf1.cosine_decay(1.0, decay_steps=t, alpha=0.001),
        "linear cosine": tf1.linear_cosine_decay(1.0, decay_steps=t, alpha=0.001, beta=0.001),
        "cosine restarts": tf1.cosine_decay_restarts(
            1.0, first_decay_steps=t / 7, t_mul=2.0, m_mul=1.0, alpha=0.001
        ),
        "exponential + burn-in": tf1.exponential_decay_with_burnin(
            learning_rate_base=1.0,
            learning_rate_decay_steps=tenth,
            learning_rate_decay_factor=rate,
            burnin_learning_rate=0.1,
            burnin_steps=w,
            staircase=True,
        ),
        "piecewise + warm-up": tf1.piecewise_with_warmup(
            boundaries=[w, t // 2, 3 * t // 4], rates=[0.01, 1.0, 0.1, 0.01], warmup=True
        ),
        "cosine + warm-up + hold": tf1.cosine_decay_with_warmup(
            learning_rate_base=1.0,
            total_decay_steps=t,
            alpha=0.001,
            warmup_learning_rate=0.01,
            warmup_steps=w,
            hold_base_rate_steps=w,
        ),
        "warmup + cosine": warmup(Cosine(1.0, t - w, end_value=0.001), w),
        "one-cycle": OneCycle(0.04, 1.0, 4e-5, cycle_steps=t, warmup_fraction=0.25),
        "wsd": WSD(1.0, warmup_steps=w, decay_fraction=0.2, stable_steps=round(0.8 * t) - w),
    }


# --------------------------------------------------------------------------- the task
@dataclasses.dataclass(frozen=True)
class Digits:
    """scikit-learn's digits, scaled to [0, 1] and split once (a fixed permutation)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray


_DIGITS: list[Digits] = []  # loaded once per process (plain arrays: safe across fork)


def digits() -> Digits:
    """The digits task's data (float32 features in [0, 1], int64 labels): 1,437 training and 360
    validation images, the same split every time."""
    if _DIGITS:
        return _DIGITS[0]
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise ImportError(PIP_HINT) from error
    data = load_digits()
    x = (np.asarray(data.data, dtype=np.float32) / 16.0).astype(np.float32)
    y = np.asarray(data.target, dtype=np.int64)
    order = np.random.default_rng(20_000).permutation(len(x))
    valid, train = order[:VALIDATION], order[VALIDATION:]
    result = Digits(x[train], y[train], x[valid], y[valid])
    _DIGITS.append(result)
    return result


def updates_per_epoch(batch_size: int, data: Digits | None = None) -> int:
    """Optimizer updates per epoch (the last, short batch makes one too)."""
    return -(-len((data or digits()).x_train) // batch_size)


@dataclasses.dataclass
class Run:
    """One training run: a candidate, an optimizer, a seed."""

    candidate: str
    optimizer: str
    seed: int
    train_loss: list[float]
    """Mean training loss of each epoch."""
    valid_loss: list[float]
    """Validation loss after each epoch."""
    valid_accuracy: list[float]
    lrs: list[float]
    """The rate of every optimizer update, as the optimizer held it at the update."""
    seconds: float
    diverged: bool = False
    """Whether the run was stopped for diverging (:data:`DIVERGED`)."""


class _Threads:
    """One intra-op thread for the runs (reproducible, and the fastest for a model this small);
    the caller's setting and RNG state are restored on exit."""

    def __enter__(self) -> None:
        import torch

        self._threads = torch.get_num_threads()
        self._rng = torch.random.get_rng_state()
        torch.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        import torch

        torch.set_num_threads(self._threads)
        torch.random.set_rng_state(self._rng)


def network(seed: int) -> Any:
    """The model: 64 → 64 (ReLU) → 10, initialised from ``seed``."""
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)
    )


def update(model: Any, optimizer: Any, x: Any, y: Any) -> float:
    """One optimizer update of the digits model on the batch ``(x, y)``; its loss."""
    import torch.nn.functional as functional

    loss: Any = functional.cross_entropy(model(x), y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return float(loss.item())


def train(
    schedule: Schedule,
    optimizer: str | OptimizerChoice,
    seed: int,
    *,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    relative: bool = True,
    candidate: str = "",
    on_update: Callable[[], None] | None = None,
) -> Run:
    """Train the digits model once with ``schedule`` driving ``optimizer`` (``lrdecay.torch``'s
    scheduler, stepped once per optimizer update). With ``relative``, the rate is the optimizer's
    peak rate times the schedule's value."""
    import torch
    import torch.nn.functional as functional

    from lrdecay.torch import scheduler

    choice = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    data = digits()
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    xv, yv = torch.from_numpy(data.x_valid), torch.from_numpy(data.y_valid)
    started = time.perf_counter()
    with _Threads():
        model = network(seed)
        opt = choice.build(model.parameters(), choice.peak_lr if relative else 0.0)
        sched = scheduler(opt, schedule, relative=relative)
        order = torch.Generator().manual_seed(seed)
        run = Run(candidate, choice.name, seed, [], [], [], [], 0.0)
        first: list[float] = []  # the loss of the first update
        for _ in range(epochs):
            permutation = torch.randperm(len(x), generator=order)
            total, count = 0.0, 0
            for begin in range(0, len(x), batch_size):
                index = permutation[begin : begin + batch_size]
                run.lrs.append(float(opt.param_groups[0]["lr"]))
                value = update(model, opt, x[index], y[index])
                sched.step()
                if not first:
                    first.append(value)
                total, count = total + value * len(index), count + len(index)
                if on_update is not None:
                    on_update()
                if not math.isfinite(value):
                    run.diverged = True
                    break
            if run.diverged:
                break
            if total / count > DIVERGED * first[0]:
                run.diverged = True
                break
            with torch.no_grad():
                logits = model(xv)
                run.train_loss.append(total / count)
                run.valid_loss.append(float(functional.cross_entropy(logits, yv)))
                run.valid_accuracy.append(float((logits.argmax(dim=1) == yv).double().mean()))
            if not math.isfinite(run.valid_loss[-1]):
                run.diverged = True
                break
    run.seconds = time.perf_counter() - started
    return run


def _warm_up(optimizers: Sequence[str]) -> None:
    """One untimed update per optimizer: the first calls of a process pay for lazy set-up,
    which would otherwise land in the first run's wall time."""
    from lrdecay.curves import Constant

    for name in optimizers:
        train(Constant(1.0), name, 0, epochs=1, batch_size=len(digits().x_train))


# --------------------------------------------------------------------------- study configs
STUDY_KEYS = ("candidates", "optimizers", "seeds", "epochs", "batch_size", "relative")


def load_study(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The arguments of :func:`run_study` in a config file (``.yaml``, ``.json`` or ``.toml``,
    read as data: nothing is evaluated).

    Keys (all optional): ``candidates`` (a mapping ``{name: schedule}``, each schedule a SPEC
    string, ``{"spec": ...}`` or a :func:`~lrdecay.to_config` mapping; or a list of SPECs,
    named by their text), ``optimizers`` (a list, or a comma-separated string), ``seeds`` (a
    count ``N`` for seeds ``0..N-1``, or a list), ``epochs``, ``batch_size`` and ``relative``.

    Example:
        >>> import pathlib, tempfile
        >>> from lrdecay.study import load_study
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "study.yaml"
        >>> _ = path.write_text(
        ...     "candidates:\\n  cosine: cosine(0.1, 900)\\noptimizers: sgd, adam\\nseeds: 2\\n"
        ... )
        >>> config = load_study(path)
        >>> list(config["candidates"]), config["optimizers"], config["seeds"]
        (['cosine'], ['sgd', 'adam'], [0, 1])
    """
    from lrdecay.spec import SpecError, from_document, read_document

    where = str(path)
    document = read_document(path)
    if not isinstance(document, Mapping):
        raise SpecError(
            f"{where}: a study config is a mapping (with candidates, optimizers, seeds, ...), "
            f"got {type(document).__name__}"
        )
    unknown = sorted(set(map(str, document)) - set(STUDY_KEYS))
    if unknown:
        raise SpecError(
            f"{where}: unknown key{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}; "
            f"a study config has {', '.join(STUDY_KEYS)}"
        )
    config: dict[str, Any] = {}
    if "candidates" in document:
        given = document["candidates"]
        if isinstance(given, list):
            given = {" ".join(str(item).split()): item for item in given}
        if not isinstance(given, Mapping) or not given:
            raise SpecError(
                f"{where}: candidates must be a non-empty mapping {{name: schedule}} or list of "
                f"SPECs, got {given!r}"
            )
        config["candidates"] = {
            str(name): from_document(value, f"{where}: candidates.{name}")
            for name, value in given.items()
        }
    if "optimizers" in document:
        given = document["optimizers"]
        names = given.split(",") if isinstance(given, str) else given
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise SpecError(f"{where}: optimizers must be a list of names, got {given!r}")
        config["optimizers"] = [n.strip().lower() for n in names if n.strip()]
    if "seeds" in document:
        seeds = document["seeds"]
        if isinstance(seeds, int) and not isinstance(seeds, bool) and seeds >= 1:
            config["seeds"] = list(range(seeds))
        elif isinstance(seeds, list) and all(
            isinstance(s, int) and not isinstance(s, bool) for s in seeds
        ):
            config["seeds"] = list(seeds)
        else:
            raise SpecError(
                f"{where}: seeds must be a count >= 1 or a list of integers, got {seeds!r}"
            )
    for key in ("epochs", "batch_size"):
        if key in document:
            value = document[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SpecError(f"{where}: {key} must be an integer >= 1, got {value!r}")
            config[key] = value
    if "relative" in document:
        if not isinstance(document["relative"], bool):
            raise SpecError(
                f"{where}: relative must be true or false, got {document['relative']!r}"
            )
        config["relative"] = document["relative"]
    return config


# --------------------------------------------------------------------------- the study
def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0


@dataclasses.dataclass
class StudyResult:
    """The runs of a study, and what they say (:meth:`summary`, :meth:`write`)."""

    candidates: dict[str, Schedule]
    optimizers: list[str]
    seeds: list[int]
    epochs: int
    batch_size: int
    relative: bool
    runs: list[Run]

    def _runs(self, candidate: str, optimizer: str) -> list[Run]:
        return [r for r in self.runs if r.candidate == candidate and r.optimizer == optimizer]

    def summary(self) -> list[dict[str, Any]]:
        """One row per candidate and optimizer, best first within each optimizer: the final
        validation loss and accuracy (mean, standard deviation over the seeds), the mean epoch
        (1-based) of the best validation loss, the mean wall time of a run, how many runs
        diverged, and ``vs_best``: the mean per-seed difference in final validation loss to the
        optimizer's best candidate, its standard error, and whether it is within noise (within
        two standard errors)."""
        rows: list[dict[str, Any]] = []
        for optimizer in self.optimizers:
            group: list[dict[str, Any]] = []
            for name in self.candidates:
                runs = self._runs(name, optimizer)
                finished = [r for r in runs if not r.diverged]
                row: dict[str, Any] = {
                    "candidate": name,
                    "optimizer": optimizer,
                    "seeds": len(runs),
                    "diverged": len(runs) - len(finished),
                    "seconds": float(np.mean([r.seconds for r in runs])),
                }
                if finished:
                    row["final_loss"], row["final_loss_std"] = _mean_std(
                        [r.valid_loss[-1] for r in finished]
                    )
                    row["final_accuracy"], row["final_accuracy_std"] = _mean_std(
                        [r.valid_accuracy[-1] for r in finished]
                    )
                    row["best_epoch"] = float(
                        np.mean([int(np.argmin(r.valid_loss)) + 1 for r in finished])
                    )
                else:
                    row.update(
                        final_loss=math.nan,
                        final_loss_std=math.nan,
                        final_accuracy=math.nan,
                        final_accuracy_std=math.nan,
                        best_epoch=math.nan,
                    )
                group.append(row)
            group.sort(key=lambda r: (r["diverged"] > 0, _nan_last(r["final_loss"])))
            best = group[0]
            best_runs = {r.seed: r for r in self._runs(best["candidate"], optimizer)}
            for row in group:
                row["vs_best"], row["vs_best_se"], row["within_noise"] = self._versus(
                    row, best_runs
                )
            rows.extend(group)
        return rows

    def _versus(self, row: dict[str, Any], best: Mapping[int, Run]) -> tuple[float, float, bool]:
        runs = self._runs(row["candidate"], row["optimizer"])
        pairs = [
            r.valid_loss[-1] - best[r.seed].valid_loss[-1]
            for r in runs
            if not r.diverged and r.seed in best and not best[r.seed].diverged
        ]
        if row["diverged"] or not pairs:
            return math.nan, math.nan, False
        mean = float(np.mean(pairs))
        if len(pairs) < 2:
            return mean, math.nan, mean == 0.0
        se = float(np.std(pairs, ddof=1) / math.sqrt(len(pairs)))
        return mean, se, abs(mean) <= 2 * se

    # ------------------------------------------------------------------ output
    def to_markdown(self) -> str:
        """The summary as a Markdown table."""
        n = len(self.seeds)
        lines = [
            f"| optimizer | schedule | final val. loss (mean ± sd, {n} seeds) | final accuracy "
            "| best epoch | vs best (paired) | s / run |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in self.summary():
            lines.append(
                f"| {row['optimizer']} | {row['candidate']} | {_pm(row, 'final_loss', 4)} "
                f"| {_pm(row, 'final_accuracy', 4)} | {_epoch(row)} | {_versus_text(row)} "
                f"| {row['seconds']:.2f} |"
            )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain data (the candidates as configs and SPECs)."""
        from lrdecay.config import to_config
        from lrdecay.spec import to_spec

        return {
            "task": "scikit-learn digits, MLP 64-64-10, PyTorch on CPU",
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "seeds": self.seeds,
            "relative": self.relative,
            "optimizers": {
                name: dataclasses.asdict(OPTIMIZERS[name])
                for name in self.optimizers
                if name in OPTIMIZERS
            },
            "candidates": {
                name: {"spec": to_spec(s), "config": to_config(s)}
                for name, s in self.candidates.items()
            },
            "summary": self.summary(),
            "runs": [dataclasses.asdict(r) for r in self.runs],
        }

    def write(self, out: str | os.PathLike[str], *, figure: bool = True) -> dict[str, Path]:
        """Write ``study.md``, ``study.csv``, ``study.json`` and (with ``figure``) ``study.png``
        into the folder ``out``; return the paths by kind."""
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {
            "markdown": folder / "study.md",
            "csv": folder / "study.csv",
            "json": folder / "study.json",
        }
        paths["markdown"].write_text(self.to_markdown(), encoding="utf-8")
        rows = self.summary()
        with paths["csv"].open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths["json"].write_text(
            json.dumps(self.to_dict(), indent=1, allow_nan=True) + "\n", encoding="utf-8"
        )
        if figure:
            paths["figure"] = self.plot(folder / "study.png")
        return paths

    def plot(self, path: str | os.PathLike[str]) -> Path:
        """The figure: per optimizer, the validation loss of each schedule (mean over the seeds,
        the band from the lowest to the highest) above the rate it applied."""
        try:
            from matplotlib.figure import Figure
            from matplotlib.lines import Line2D
        except ImportError as error:
            raise ImportError(PIP_HINT) from error
        columns = min(3, len(self.optimizers))
        rows = -(-len(self.optimizers) // columns)  # each row: losses above, rates below
        figure = Figure(figsize=(5.2 * columns + 2.6, 7.0 * rows), layout="constrained")
        axes = figure.subplots(2 * rows, columns, squeeze=False, height_ratios=[3, 2] * rows)
        for unused in range(len(self.optimizers), rows * columns):
            axes[2 * (unused // columns)][unused % columns].set_visible(False)
            axes[2 * (unused // columns) + 1][unused % columns].set_visible(False)
        colours = _colours(len(self.candidates))
        epochs = np.arange(1, self.epochs + 1)
        for index, optimizer in enumerate(self.optimizers):
            row, column = divmod(index, columns)
            top, bottom = axes[2 * row][column], axes[2 * row + 1][column]
            for colour, name in zip(colours, self.candidates, strict=True):
                runs = [r for r in self._runs(name, optimizer) if not r.diverged]
                if runs:
                    losses = np.array([r.valid_loss for r in runs])
                    top.plot(epochs, losses.mean(axis=0), color=colour, label=name, lw=1.4)
                    top.fill_between(
                        epochs, losses.min(axis=0), losses.max(axis=0), color=colour, alpha=0.12
                    )
                    lrs = runs[0].lrs
                    bottom.plot(np.arange(len(lrs)), lrs, color=colour, lw=1.2)
            top.set_yscale("log")
            top.set_title(f"{optimizer}: validation loss ({len(self.seeds)} seeds)")
            top.set_xlabel("epoch")
            top.grid(alpha=0.3)
            bottom.set_title("learning rate")
            bottom.set_xlabel("optimizer update")
            bottom.grid(alpha=0.3)
        handles, labels = axes[0][0].get_legend_handles_labels()
        if not handles:  # every run of the first optimizer diverged
            handles = [Line2D([], [], color=c) for c in colours]
            labels = list(self.candidates)
        figure.legend(handles, labels, loc="outside right center", fontsize="small")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, dpi=110)
        return target


def _nan_last(value: float) -> float:
    return math.inf if math.isnan(value) else value


def _pm(row: Mapping[str, Any], key: str, digits: int) -> str:
    if math.isnan(row[key]):
        return "diverged"
    return f"{row[key]:.{digits}f} ± {row[key + '_std']:.{digits}f}"


def _epoch(row: Mapping[str, Any]) -> str:
    return "–" if math.isnan(row["best_epoch"]) else f"{row['best_epoch']:.1f}"


def _versus_text(row: Mapping[str, Any]) -> str:
    if row["diverged"]:
        return f"diverged ({row['diverged']}/{row['seeds']})"
    if row["vs_best"] == 0.0:
        return "best"
    se = "" if math.isnan(row["vs_best_se"]) else f" ± {row['vs_best_se']:.4f}"
    mark = " (within noise)" if row["within_noise"] else ""
    return f"+{row['vs_best']:.4f}{se}{mark}"


def _colours(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab20" if n > 10 else "tab10"]
    return [cmap(i % cmap.N) for i in range(n)]


def _check_names(optimizers: Iterable[str]) -> list[str]:
    names = list(optimizers)
    if not names:
        raise ValueError("run_study: optimizers must name at least one optimizer, got none")
    for name in names:
        if name not in OPTIMIZERS:
            raise ValueError(
                f"run_study: unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}"
            )
    if len(set(names)) != len(names):
        raise ValueError(f"run_study: optimizers must not repeat, got {names}")
    return names


def run_study(
    candidates: Mapping[str, Schedule] | None = None,
    *,
    optimizers: Sequence[str] = ("momentum",),
    seeds: Sequence[int] = DEFAULT_SEEDS,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    relative: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StudyResult:
    """Train the digits model once per candidate, optimizer and seed (module docstring).

    Args:
        candidates: ``{name: schedule}``; default: :func:`default_candidates` for the run's
            length (shapes with a peak of 1).
        optimizers: Names from :data:`OPTIMIZERS`.
        seeds: The seeds; each sets the initial weights and the order of the batches, the same
            for every candidate.
        epochs: Passes over the 1,437 training digits.
        batch_size: Examples per optimizer update.
        relative: Whether a schedule's values multiply the optimizer's peak rate (shapes) or
            are the rates. Default: ``True`` for the default candidates, ``False`` for given ones.
        progress: Called as ``progress(updates_done, updates_total)`` after every update.

    Returns:
        A :class:`StudyResult`.
    """
    from lrdecay._core import check_int

    owner = "run_study"
    epochs = check_int(owner, "epochs", epochs, minimum=1)
    batch_size = check_int(owner, "batch_size", batch_size, minimum=1)
    seeds = [check_int(owner, "seeds", s) for s in seeds]
    if not seeds:
        raise ValueError("run_study: seeds must hold at least one seed, got none")
    names = _check_names(optimizers)
    data = digits()
    per_epoch = updates_per_epoch(batch_size, data)
    if candidates is None:
        candidates = default_candidates(per_epoch * epochs)
        relative = True if relative is None else relative
    else:
        candidates = dict(candidates)
        if not candidates:
            raise ValueError("run_study: candidates must hold at least one schedule, got none")
        for name, schedule in candidates.items():
            if not isinstance(schedule, Schedule):
                raise TypeError(
                    f"run_study: candidate {name!r} must be a lrdecay Schedule, got "
                    f"{type(schedule).__name__}"
                )
        relative = False if relative is None else relative
    per_run = per_epoch * epochs
    _warm_up(names)
    total = len(candidates) * len(names) * len(seeds) * per_run
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    runs = []
    for optimizer in names:
        for name, schedule in candidates.items():
            for seed in seeds:
                before = done[0]
                runs.append(
                    train(
                        schedule,
                        optimizer,
                        seed,
                        epochs=epochs,
                        batch_size=batch_size,
                        relative=relative,
                        candidate=name,
                        on_update=tick,
                    )
                )
                if done[0] < before + per_run and progress is not None:  # a diverged run
                    done[0] = before + per_run
                    progress(done[0], total)
    return StudyResult(dict(candidates), names, seeds, epochs, batch_size, relative, runs)
