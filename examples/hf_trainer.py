"""Hugging Face's ``Trainer`` with an lrdecay schedule: ``optimizers=(optimizer, scheduler)``.

A small PyTorch network (no model download) learns scikit-learn's handwritten digits (shipped
with scikit-learn). The ``Trainer`` calls ``scheduler.step()`` after every optimizer update, so
update ``k`` (counted from 0) uses ``schedule(k)``: a linear warm-up, then a cosine decay. The
schedule is the lrdecay one whatever ``TrainingArguments`` says about schedulers
(``lr_scheduler_type``, ``warmup_steps`` and ``learning_rate`` are not used).

Run it::

    python examples/hf_trainer.py --out runs/full                   # 48 updates
    python examples/hf_trainer.py --out runs/part --stop-after 20   # 20 updates, checkpoint, stop
    python examples/hf_trainer.py --out runs/rest \\
        --resume-from runs/part/checkpoint-20                       # a fresh process resumes
    python examples/hf_trainer.py --out runs/acc --accumulate 2     # 2 batches per update

The checkpoint folder holds the scheduler's state (``scheduler.pt``: its step and its schedule,
plain data) next to the model, the optimizer and the random state;
``trainer.train(resume_from_checkpoint=...)`` restores them all, skips the batches already seen
and continues: the resumed run applies the same rates and ends with the same weights as
``runs/full``, even from the middle of an epoch.

Each run writes ``OUT/record.json``: the rate of every optimizer update (read from the optimizer
just before the update), the number of batches seen and the final weights.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import torch
from sklearn.datasets import load_digits
from torch import nn
from transformers import Trainer, TrainerCallback, TrainingArguments

import lrdecay
import lrdecay.torch

SAMPLES = 1024  # the first 1024 digits: 16 batches of 64 an epoch
BATCH = 64
WARMUP = 8  # updates of linear warm-up


def make_schedule(updates: int) -> lrdecay.Schedule:
    """0 -> 0.05 over WARMUP updates, then a half cosine to 1e-3 at the last update."""
    cosine = lrdecay.Cosine(init_value=0.05, decay_steps=updates - WARMUP, end_value=1e-3)
    return lrdecay.warmup(cosine, steps=WARMUP)


class Digits(torch.utils.data.Dataset):
    def __init__(self) -> None:
        x, y = load_digits(return_X_y=True)
        self.x = torch.tensor(x[:SAMPLES] / 16.0, dtype=torch.float32)
        self.y = torch.tensor(y[:SAMPLES])

    def __len__(self) -> int:
        return SAMPLES

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"x": self.x[i], "labels": self.y[i]}


class DigitsClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        self.batches = 0

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        self.batches += self.training
        logits = self.net(x)
        return {"loss": nn.functional.cross_entropy(logits, labels), "logits": logits}


class RecordRates(TrainerCallback):
    """The rate of each optimizer update, read just before the update."""

    def __init__(self) -> None:
        self.rates: list[tuple[int, float]] = []  # (update, rate of that update)

    def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        # state.global_step counts the updates done so far: this is update number global_step
        self.rates.append((state.global_step, float(kw["optimizer"].param_groups[0]["lr"])))


class StopAfter(TrainerCallback):
    """Save a checkpoint and stop after ``updates`` updates, as if the job were interrupted."""

    def __init__(self, updates: int) -> None:
        self.updates = updates

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if state.global_step == self.updates:
            control.should_save = control.should_training_stop = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for checkpoints, record")
    parser.add_argument("--updates", type=int, default=48, help="optimizer updates of the run")
    parser.add_argument("--stop-after", type=int, help="checkpoint and stop after this many")
    parser.add_argument("--resume-from", type=Path, help="a checkpoint folder to resume from")
    parser.add_argument("--accumulate", type=int, default=1, help="batches per update")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    schedule = make_schedule(args.updates)
    model = DigitsClassifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9)
    scheduler = lrdecay.torch.scheduler(optimizer, schedule)  # sets lr = schedule(0)
    recorder = RecordRates()
    training = TrainingArguments(
        output_dir=str(args.out),
        max_steps=args.updates,  # optimizer updates
        per_device_train_batch_size=BATCH,
        gradient_accumulation_steps=args.accumulate,
        save_strategy="no",  # StopAfter saves the one checkpoint of this example
        seed=0,
        use_cpu=True,
        report_to=[],
        disable_tqdm=True,
        logging_strategy="no",
    )
    callbacks = [recorder] if args.stop_after is None else [recorder, StopAfter(args.stop_after)]
    trainer = Trainer(
        model=model,
        args=training,
        train_dataset=Digits(),
        optimizers=(optimizer, scheduler),
        callbacks=callbacks,
    )
    trainer.train(
        resume_from_checkpoint=None if args.resume_from is None else str(args.resume_from)
    )

    data = Digits()
    with torch.no_grad():
        accuracy = float((model.net(data.x).argmax(dim=1) == data.y).float().mean())
    record = {
        "rates": recorder.rates,
        "batches": model.batches,
        "global_step": trainer.state.global_step,
        "checkpoints": sorted(p.name for p in args.out.glob("checkpoint-*")),
        "parameters": {k: v.flatten().tolist() for k, v in model.net.state_dict().items()},
        "accuracy": accuracy,
    }
    (args.out / "record.json").write_text(json.dumps(record))
    print(f"{len(recorder.rates)} updates; training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
