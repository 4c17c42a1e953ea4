"""Train a tiny torch model with a warm-up + cosine schedule, in a process of its own.

``python tests/torch_training_worker.py PHASE DIR``; ``PHASE`` ``before`` runs the modes ``full``
and ``first`` in this process, ``after`` (a fresh process) the modes ``resume`` and
``resume-global-step``:

* ``full``: 300 updates without a break; saves the final parameters to ``DIR/full.pt``;
* ``first``: the first 150 updates, then a checkpoint (model, optimizer, scheduler) in ``DIR``;
* ``resume``: a fresh model, optimizer and scheduler loaded from the checkpoint, the last 150
  updates; saves the final parameters to ``DIR/resume.pt``;
* ``resume-global-step``: the same, but the scheduler is rebuilt from the global step alone
  (``step=150``), without its saved state.

Every update's learning rate goes to ``DIR/<mode>-lrs.json``. Fixed seeds, fixed data, CPU.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

import lrdecay
import lrdecay.torch

TOTAL = 300
HALF = 150
SCHEDULE = lrdecay.warmup(
    lrdecay.Cosine(init_value=3e-2, decay_steps=TOTAL - 30, end_value=1e-4), steps=30
)


def build() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=torch.tensor(0.0), weight_decay=0.01)
    return model, optimizer


def data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(64, 6, generator=g)
    y = torch.sin(x.sum(dim=1, keepdim=True))
    return x, y


def train(model: torch.nn.Module, optimizer: torch.optim.Optimizer, sched: object, n: int) -> list:
    x, y = data()
    lrs = []
    for _ in range(n):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        loss = torch.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sched.step()  # type: ignore[attr-defined]
    return lrs


def run(mode: str, out: Path) -> None:
    model, optimizer = build()
    if mode == "full":
        lrs = train(model, optimizer, lrdecay.torch.scheduler(optimizer, SCHEDULE), TOTAL)
        torch.save(model.state_dict(), out / "full.pt")
    elif mode == "first":
        sched = lrdecay.torch.scheduler(optimizer, SCHEDULE)
        lrs = train(model, optimizer, sched, HALF)
        checkpoint = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": sched.state_dict(),
        }
        torch.save(checkpoint, out / "checkpoint.pt")
    else:
        checkpoint = torch.load(out / "checkpoint.pt", weights_only=True)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        if mode == "resume":
            sched = lrdecay.torch.scheduler(optimizer, SCHEDULE)
            sched.load_state_dict(checkpoint["scheduler"])
        else:
            sched = lrdecay.torch.scheduler(optimizer, SCHEDULE, step=HALF)
        lrs = train(model, optimizer, sched, TOTAL - HALF)
        torch.save(model.state_dict(), out / f"{mode}.pt")
    (out / f"{mode}-lrs.json").write_text(json.dumps(lrs))


def main() -> None:
    phase, out = sys.argv[1], Path(sys.argv[2])
    for mode in {"before": ("full", "first"), "after": ("resume", "resume-global-step")}[phase]:
        run(mode, out)


if __name__ == "__main__":
    main()
