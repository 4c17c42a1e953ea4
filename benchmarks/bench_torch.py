"""Benchmark: ``lrdecay.torch.scheduler``'s ``step()`` against PyTorch's own schedulers.

Each contender sets the same curve on an SGD optimizer, in the same run, interleaved:

* a cosine decay: ``lrdecay.Cosine`` against ``CosineAnnealingLR`` (recursive formula) and
  ``LambdaLR`` (a Python lambda with ``math.cos``);
* a warm-up + cosine: ``lrdecay.warmup(Cosine)`` against ``SequentialLR(LinearLR,
  CosineAnnealingLR)`` and a ``LambdaLR`` with the same formula;
* four param groups, and a tensor rate (``lr=torch.tensor(...)``, on the CPU: filled in place),
  and the device-counter path (``capturable=True``, what an accelerator's tensor takes);
* recompiles of a ``torch.compile``\\ d ``AdamW.step`` over 100 scheduled steps.

Run ``python benchmarks/bench_torch.py``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable

import torch
from torch.optim import lr_scheduler as tl

import lrdecay
import lrdecay.torch

T = 1_000_000  # a long cosine, so no contender ever wraps around
WARM = 1_000
CALLS = 20_000
ROUNDS = 9


def _optimizer(lr: float | torch.Tensor = 0.1, groups: int = 1) -> torch.optim.SGD:
    params = [torch.nn.Parameter(torch.zeros(4)) for _ in range(groups)]
    return torch.optim.SGD([{"params": [p]} for p in params], lr=lr)


def _time(step: Callable[[], None], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        step()
    return (time.perf_counter() - start) / calls


def _best(contenders: dict[str, Callable[[], None]], calls: int = CALLS) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, step in contenders.items():
            times[name].append(_time(step, calls))
    return {name: min(t) for name, t in times.items()}


def _cosine_lambda(k: int) -> float:
    return 0.5 * (1 + math.cos(math.pi * min(k, T) / T))


def _warmup_cosine_lambda(k: int) -> float:
    if k < WARM:
        return k / WARM
    return 0.5 * (1 + math.cos(math.pi * min(k - WARM, T) / T))


def _steppers(groups: int, lr: Callable[[], float | torch.Tensor]) -> dict[str, Callable[[], None]]:
    cosine = lrdecay.Cosine(init_value=0.1, decay_steps=T)
    warm = lrdecay.warmup(cosine, steps=WARM)
    o = [_optimizer(lr(), groups) for _ in range(7)]
    linear = tl.LinearLR(o[6], start_factor=1e-8, end_factor=1.0, total_iters=WARM)
    return {
        "lrdecay Cosine": lrdecay.torch.scheduler(o[0], cosine).step,
        "CosineAnnealingLR": tl.CosineAnnealingLR(o[1], T_max=T).step,
        "LambdaLR (cosine)": tl.LambdaLR(o[2], _cosine_lambda).step,
        "lrdecay warmup + Cosine": lrdecay.torch.scheduler(o[3], warm).step,
        "LambdaLR (warm-up + cosine)": tl.LambdaLR(o[4], _warmup_cosine_lambda).step,
        "lrdecay Cosine, capturable=True": lrdecay.torch.scheduler(
            o[5], cosine, capturable=True
        ).step,
        "SequentialLR(LinearLR, CosineAnnealingLR)": tl.SequentialLR(
            o[6], [linear, tl.CosineAnnealingLR(o[6], T_max=T)], milestones=[WARM]
        ).step,
    }


def _recompiles(lr: float | torch.Tensor, use_lrdecay: bool) -> tuple[int, int]:
    from torch._dynamo.testing import CompileCounter

    torch._dynamo.reset()
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    if use_lrdecay:
        sched: tl.LRScheduler = lrdecay.torch.scheduler(
            opt, lrdecay.Cosine(init_value=1e-3, decay_steps=1000)
        )
    else:
        sched = tl.CosineAnnealingLR(opt, T_max=1000)
    counter = CompileCounter()

    @torch.compile(backend=counter)
    def opt_step() -> None:
        opt.step()

    x = torch.randn(16, 8)
    first = 0
    for k in range(101):
        model(x).pow(2).mean().backward()
        opt_step()
        opt.zero_grad()
        sched.step()
        if k == 0:
            first = counter.frame_count
    return first, counter.frame_count - first


def run() -> str:
    warnings.simplefilter("ignore")  # PyTorch's schedulers warn about the order of calls here
    torch.set_num_threads(1)
    rows = []
    cases = [
        ("1 group, float rate", 1, lambda: 0.1),
        ("4 groups, float rates", 4, lambda: 0.1),
        ("1 group, CPU tensor rate", 1, lambda: torch.tensor(0.1)),
    ]
    for label, groups, lr in cases:
        steppers = _steppers(groups, lr)
        if not isinstance(lr(), torch.Tensor):  # (capturable is about tensor rates)
            steppers.pop("lrdecay Cosine, capturable=True")
        best = _best(steppers)
        ref = best["CosineAnnealingLR"]
        for name, t in best.items():
            rows.append(f"| {label} | {name} | {t * 1e6:.2f} µs | {t / ref:.2f}× |")
    compiled = {
        "lrdecay, tensor rate": _recompiles(torch.tensor(1e-3), True),
        "CosineAnnealingLR, tensor rate": _recompiles(torch.tensor(1e-3), False),
        "CosineAnnealingLR, float rate": _recompiles(1e-3, False),
    }
    lines = [
        "## PyTorch: the scheduler's `step()`",
        "",
        f"`benchmarks/bench_torch.py`, torch {torch.__version__}, one CPU thread: the time of one "
        f"`step()` (best of {ROUNDS} interleaved rounds of {CALLS:,} calls), as a ratio to "
        "`CosineAnnealingLR.step()` on the same case in the same run (goal: lrdecay's Cosine "
        "≤ 1.0×: the closed form should cost no more than PyTorch's recursive one).",
        "",
        "| case | scheduler | per `step()` | vs CosineAnnealingLR |",
        "|---|---|---|---|",
        *rows,
        "",
        "`capturable=True` is the path a tensor on an accelerator takes by default: the rate is "
        "computed from a step counter on the device (a dozen torch operations on a 0-d tensor), "
        "with no host synchronisation, so that `step()` can be captured in a CUDA graph.",
        "",
        "Recompiles of a `torch.compile`d `AdamW.step` (dynamo's frame count) over 100 scheduled "
        "steps after the first compile:",
        "",
        "| rate | first compile (frames) | recompiles over 100 steps |",
        "|---|---|---|",
        *(f"| {name} | {a} | {b} |" for name, (a, b) in compiled.items()),
        "",
        "Not measured here: this machine has no GPU (a CUDA tensor rate under "
        '`torch.cuda.set_sync_debug_mode("error")` and `step()` inside a captured CUDA graph need '
        "one).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
