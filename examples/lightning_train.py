"""PyTorch Lightning with an lrdecay schedule, stepped once per optimizer update.

A small network learns scikit-learn's handwritten digits (shipped with scikit-learn: no
download). ``configure_optimizers`` hands Lightning an lrdecay scheduler with
``"interval": "step"``, so Lightning calls ``scheduler.step()`` after every optimizer update and
update ``k`` (counted from 0) uses ``schedule(k)``: a linear warm-up, then a cosine decay.

Run it::

    python examples/lightning_train.py --out runs/full                  # 3 epochs, 48 updates
    python examples/lightning_train.py --out runs/part --stop-after 1   # 1 epoch, then stop
    python examples/lightning_train.py --out runs/rest \\
        --resume-from runs/part/checkpoints/epoch=0-step=16.ckpt        # a fresh process resumes
    python examples/lightning_train.py --out runs/acc --accumulate 2    # 2 batches per update

Lightning saves a checkpoint at the end of every epoch (``OUT/checkpoints``). The scheduler's
state (its step and its schedule, plain data) is saved in it, and ``trainer.fit(ckpt_path=...)``
restores it with the model, the optimizer and the loops: the resumed run applies the same rates
and ends with the same weights as ``runs/full``. Resume from end-of-epoch checkpoints: a plain
``DataLoader`` cannot restart in the middle of an epoch.

Each run writes ``OUT/record.json``: the rate of every optimizer update (read from the
optimizer just before the update), the number of batches seen and the final weights.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from sklearn.datasets import load_digits
from torch import nn

import lrdecay
import lrdecay.torch

SAMPLES = 1024  # the first 1024 digits: 16 batches of 64
BATCH = 64
WARMUP = 8  # updates of linear warm-up


def make_schedule(updates: int) -> lrdecay.Schedule:
    """0 -> 0.05 over WARMUP updates, then a half cosine to 1e-3 at the last update."""
    cosine = lrdecay.Cosine(init_value=0.05, decay_steps=updates - WARMUP, end_value=1e-3)
    return lrdecay.warmup(cosine, steps=WARMUP)


def digits() -> torch.utils.data.TensorDataset:
    x, y = load_digits(return_X_y=True)
    x = torch.tensor(x[:SAMPLES] / 16.0, dtype=torch.float32)
    return torch.utils.data.TensorDataset(x, torch.tensor(y[:SAMPLES]))


class DigitsClassifier(pl.LightningModule):
    def __init__(self, schedule: lrdecay.Schedule) -> None:
        super().__init__()
        self.schedule = schedule
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        self.rates: list[tuple[int, float]] = []  # (update, rate of that update)
        self.batches = 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        self.batches += 1
        return nn.functional.cross_entropy(self.net(x), y)

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        # global_step counts the optimizer updates done so far: this is update number global_step
        self.rates.append((self.global_step, float(optimizer.param_groups[0]["lr"])))

    def configure_optimizers(self) -> Any:
        optimizer = torch.optim.SGD(self.parameters(), lr=0.0, momentum=0.9)
        scheduler = lrdecay.torch.scheduler(optimizer, self.schedule)  # sets lr = schedule(0)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": "step"},  # step every update
        }

    def train_dataloader(self) -> torch.utils.data.DataLoader:
        # A fixed order: a resumed run sees the same batches as an uninterrupted one.
        return torch.utils.data.DataLoader(digits(), batch_size=BATCH, shuffle=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the record")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the whole run")
    parser.add_argument("--stop-after", type=int, help="stop after this many epochs")
    parser.add_argument("--resume-from", type=Path, help="a checkpoint to resume from")
    parser.add_argument("--accumulate", type=int, default=1, help="batches per update")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    updates = args.epochs * math.ceil(SAMPLES / BATCH / args.accumulate)
    schedule = make_schedule(updates)
    pl.seed_everything(0, verbose=False)
    model = DigitsClassifier(schedule)
    trainer = pl.Trainer(
        max_epochs=args.stop_after or args.epochs,
        accumulate_grad_batches=args.accumulate,
        callbacks=[ModelCheckpoint(args.out / "checkpoints", "{epoch}-{step}", save_top_k=-1)],
        accelerator="cpu",
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, ckpt_path=args.resume_from)

    x, y = digits().tensors
    with torch.no_grad():
        accuracy = float((model.net(x).argmax(dim=1) == y).float().mean())
    record = {
        "rates": model.rates,
        "batches": model.batches,
        "global_step": trainer.global_step,
        "checkpoints": sorted(p.name for p in (args.out / "checkpoints").iterdir()),
        "parameters": {k: v.flatten().tolist() for k, v in model.net.state_dict().items()},
        "accuracy": accuracy,
    }
    (args.out / "record.json").write_text(json.dumps(record))
    print(f"{len(model.rates)} updates; training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
