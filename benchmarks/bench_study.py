"""Benchmark: ``lrdecay study``'s cost, and what the scheduler adds to a real training step.

One run of the study's task (the digits MLP, batch 32, 900 updates, one thread) is timed three
ways in the same process, interleaved, best of :data:`ROUNDS`:

* no scheduler (the reference: the training itself);
* ``torch.optim.lr_scheduler.CosineAnnealingLR`` stepped after every update;
* ``lrdecay.torch.scheduler`` with ``lrdecay.Cosine``, the same curve.

Then the whole default study (15 schedules × 3 seeds, :func:`lrdecay.study.run_study`) once,
as a ratio to 45 reference runs. Run ``python benchmarks/bench_study.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as functional

import lrdecay
import lrdecay.torch
from lrdecay.study import OPTIMIZERS, digits, network, run_study

ROUNDS = 5
EPOCHS = 20
BATCH = 32


def _loop(make_scheduler: Callable[[Any], Any] | None) -> float:
    data = digits()
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    model = network(0)
    opt = OPTIMIZERS["momentum"].build(model.parameters(), 0.1)
    scheduler = make_scheduler(opt) if make_scheduler is not None else None
    order = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(EPOCHS):
        permutation = torch.randperm(len(x), generator=order)
        for begin in range(0, len(x), BATCH):
            index = permutation[begin : begin + BATCH]
            loss = functional.cross_entropy(model(x[index]), y[index])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if scheduler is not None:
                scheduler.step()
            loss.item()
    return time.perf_counter() - start


def run() -> str:
    torch.set_num_threads(1)
    updates = EPOCHS * -(-len(digits().x_train) // BATCH)
    contenders: dict[str, Callable[[Any], Any] | None] = {
        "no scheduler (reference)": None,
        "CosineAnnealingLR": lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, T_max=updates
        ),
        "lrdecay.torch.scheduler(Cosine)": lambda opt: lrdecay.torch.scheduler(
            opt, lrdecay.Cosine(0.1, updates)
        ),
    }
    _loop(None)  # warm-up: the first steps of a process pay for lazy set-up
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(ROUNDS):
        for name, make in contenders.items():
            best[name] = min(best[name], _loop(make))
    reference = best["no scheduler (reference)"]
    started = time.perf_counter()
    result = run_study()
    study = time.perf_counter() - started
    runs = len(result.runs)
    lines = [
        "## `lrdecay study`: its cost, and the scheduler's share of a training step",
        "",
        f"`benchmarks/bench_study.py`, torch {torch.__version__}, one CPU thread: one run of the "
        f"study's task ({updates} updates of the digits MLP, batch {BATCH}), best of {ROUNDS} "
        "interleaved rounds, as a ratio to the same loop without a scheduler.",
        "",
        "| training loop | per run | per update | vs no scheduler |",
        "|---|---|---|---|",
    ]
    for name, seconds in best.items():
        lines.append(
            f"| {name} | {seconds:.3f} s | {seconds / updates * 1e6:.0f} µs "
            f"| {seconds / reference:.3f}× |"
        )
    lines += [
        "",
        f"The whole default study ({runs} runs: 15 schedules × 3 seeds, SGD with momentum, each "
        f"validated after every epoch, plus the figure's data) took {study:.1f} s: "
        f"{study / (runs * reference):.2f}× {runs} reference runs (goal: under 3 minutes on 2 "
        "cores).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
