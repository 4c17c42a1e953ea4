"""``lrdecay.torch.scheduler`` in Lightning's and Hugging Face's trainers, in a process of its own.

``python tests/trainers_worker.py FRAMEWORK PHASE DIR`` runs one phase and writes
``DIR/<FRAMEWORK>-<PHASE>.json`` (``test_trainers.py`` judges it); the trainers are imported only
here. ``FRAMEWORK`` is ``lightning`` or ``transformers``; ``PHASE``:

* ``main``: an uninterrupted run of :data:`TOTAL` updates that checkpoints every :data:`HALF`
  updates (Lightning's ``ModelCheckpoint``, Hugging Face's ``save_steps``), then a short run with
  gradient accumulation;
* ``resume`` (a fresh process, after ``main``): a fresh model, optimizer and scheduler, resumed
  from the checkpoint at :data:`HALF` (``trainer.fit(ckpt_path=...)``,
  ``trainer.train(resume_from_checkpoint=...)``) and trained to :data:`TOTAL`.

Each run records the learning rate of every optimizer update (read from the optimizer's param
group just before the update), the scheduler's step where the trainer reports it, every warning
raised while the trainer ran (all of them: ``simplefilter("always")``, which also overrides the
filter Accelerate installs for ``torch.optim.lr_scheduler``'s warnings), and the final parameters.
Fixed seeds, fixed data, CPU, one thread.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import lrdecay

TOTAL = 40
"""Optimizer updates of a whole run."""
HALF = 20
"""The update after which the run is checkpointed and resumed (an epoch boundary for Lightning)."""
ACCUMULATED = 10
"""Optimizer updates of the gradient-accumulation runs (two batches each)."""
SCHEDULE = lrdecay.warmup(
    lrdecay.Cosine(init_value=0.05, decay_steps=TOTAL - 10, end_value=1e-3), steps=10
)
"""Every update has its own rate: a linear warm-up from 0 over 10 updates, then a cosine."""
SAMPLES = 80
BATCH = 8  # 10 batches an epoch: HALF and TOTAL are epoch boundaries for Lightning


def data() -> tuple[Any, Any]:
    import torch

    g = torch.Generator().manual_seed(1)
    x = torch.randn(SAMPLES, 6, generator=g)
    y = torch.sin(x.sum(dim=1, keepdim=True))
    return x, y


def network() -> Any:
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))


def parameters(module: Any) -> dict[str, list[float]]:
    return {k: v.detach().double().flatten().tolist() for k, v in module.state_dict().items()}


def described(caught: list[warnings.WarningMessage]) -> list[dict[str, str]]:
    return [
        {"category": w.category.__name__, "message": str(w.message), "filename": w.filename}
        for w in caught
    ]


# -- Lightning ------------------------------------------------------------------------------------
def lightning_module() -> Any:
    import lightning.pytorch as pl
    import torch

    import lrdecay.torch

    class Regression(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = network()
            self.updates: list[tuple[int, float]] = []  # (global step, rate of that update)
            self.batches: list[tuple[int, int]] = []  # (epoch, batch index) of each update
            self.at_start: dict[str, Any] = {}

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            x, y = batch
            self.batches.append((self.current_epoch, batch_idx))
            return torch.nn.functional.mse_loss(self.net(x), y)

        def on_before_optimizer_step(self, optimizer: Any) -> None:
            self.updates.append((self.global_step, float(optimizer.param_groups[0]["lr"])))

        def on_train_start(self) -> None:
            config = self.trainer.lr_scheduler_configs[0]
            self.at_start = {
                "global_step": self.global_step,
                "scheduler_type": type(config.scheduler).__qualname__,
                "is_lrdecay": isinstance(config.scheduler, lrdecay.torch.Scheduler),
                "interval": config.interval,
                "frequency": config.frequency,
                "scheduler_step": config.scheduler.last_epoch,
                "lr": float(self.trainer.optimizers[0].param_groups[0]["lr"]),
            }

        def configure_optimizers(self) -> Any:
            # A tensor rate: the scheduler fills it in place; the checkpoint restores it.
            opt = torch.optim.AdamW(self.parameters(), lr=torch.tensor(0.0), weight_decay=0.01)
            sched = lrdecay.torch.scheduler(opt, SCHEDULE)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}

        def train_dataloader(self) -> Any:
            x, y = data()
            dataset = torch.utils.data.TensorDataset(x, y)
            return torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=False)

    return Regression


def lightning_trainer(max_steps: int, folder: Path | None = None, **options: Any) -> Any:
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import ModelCheckpoint

    callbacks = []
    if folder is not None:
        callbacks.append(
            ModelCheckpoint(
                dirpath=folder, every_n_train_steps=HALF, save_top_k=-1, filename="{step}"
            )
        )
    return pl.Trainer(
        max_steps=max_steps,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=folder is not None,
        callbacks=callbacks,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        **options,
    )


def lightning_fit(
    max_steps: int, folder: Path | None, ckpt_path: Path | None = None, **options: Any
):
    import lightning.pytorch as pl

    pl.seed_everything(0, verbose=False)
    module = lightning_module()()
    trainer = lightning_trainer(max_steps, folder, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(module, ckpt_path=None if ckpt_path is None else str(ckpt_path))
    scheduler = trainer.lr_scheduler_configs[0].scheduler
    return {
        "updates": module.updates,
        "batches": module.batches,
        "at_start": module.at_start,
        "global_step": trainer.global_step,
        "scheduler_step": scheduler.last_epoch,
        "lr_after": float(trainer.optimizers[0].param_groups[0]["lr"]),
        "state_dict": scheduler.state_dict(),
        "warnings": described(caught),
        "parameters": parameters(module.net),
    }


def checkpoint_contents(path: Path) -> dict[str, Any]:
    import torch

    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    try:
        torch.load(path, map_location="cpu", weights_only=True)
        weights_only = "ok"
    except Exception as error:  # recorded, not judged: Lightning's own content decides
        weights_only = f"{type(error).__name__}: {error}"[:300]
    return {
        "lr_schedulers": ckpt.get("lr_schedulers"),
        "global_step": ckpt.get("global_step"),
        "optimizer_lr": float(ckpt["optimizer_states"][0]["param_groups"][0]["lr"]),
        "weights_only": weights_only,
    }


def lightning(phase: str, folder: Path) -> dict[str, Any]:
    checkpoints = folder / "lightning-checkpoints"
    half = checkpoints / f"step={HALF}.ckpt"
    if phase == "main":
        full = lightning_fit(TOTAL, checkpoints)
        return {
            "full": full,
            "checkpoints": sorted(p.name for p in checkpoints.iterdir()),
            "half_checkpoint": checkpoint_contents(half),
            "accumulate": lightning_fit(ACCUMULATED, None, accumulate_grad_batches=2),
        }
    # The same ModelCheckpoint as the run that saved (Lightning warns otherwise), elsewhere.
    return {"resume": lightning_fit(TOTAL, folder / "lightning-resumed", ckpt_path=half)}


# -- Hugging Face ---------------------------------------------------------------------------------
def hf_parts() -> tuple[Any, Any, Any]:
    import torch

    class Regression(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = network()

        def forward(self, x: Any, y: Any) -> dict[str, Any]:
            return {"loss": torch.nn.functional.mse_loss(self.net(x), y)}

    class Samples(torch.utils.data.Dataset):
        def __init__(self) -> None:
            self.x, self.y = data()

        def __len__(self) -> int:
            return SAMPLES

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {"x": self.x[i], "y": self.y[i]}

    from transformers import TrainerCallback

    class Recorder(TrainerCallback):
        def __init__(self) -> None:
            self.updates: list[tuple[int, float]] = []
            self.at_begin: dict[str, Any] = {}
            self.schedulers: set[int] = set()

        def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            sched = kw["lr_scheduler"]
            self.at_begin = {
                "global_step": state.global_step,
                "scheduler_type": type(sched).__qualname__,
                "scheduler_step": getattr(sched, "last_epoch", None),
                "lr": float(kw["optimizer"].param_groups[0]["lr"]),
            }

        def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            self.updates.append((state.global_step, float(kw["optimizer"].param_groups[0]["lr"])))
            self.schedulers.add(id(kw["lr_scheduler"]))

    return Regression, Samples, Recorder


def hf_train(
    max_steps: int, output: Path, resume: Path | None = None, **options: Any
) -> dict[str, Any]:
    import torch
    from transformers import Trainer, TrainingArguments

    import lrdecay.torch

    Regression, Samples, Recorder = hf_parts()
    model = Regression()
    opt = torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9)
    sched = lrdecay.torch.scheduler(opt, SCHEDULE)
    recorder = Recorder()
    args = TrainingArguments(
        output_dir=str(output),
        max_steps=max_steps,
        per_device_train_batch_size=BATCH,
        report_to=[],
        use_cpu=True,
        logging_steps=1,
        save_strategy="steps",
        save_steps=HALF,
        disable_tqdm=True,
        remove_unused_columns=False,
        dataloader_num_workers=0,
        seed=0,
        **options,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=Samples(),
        optimizers=(opt, sched),
        callbacks=[recorder],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.train(resume_from_checkpoint=None if resume is None else str(resume))
    return {
        "updates": recorder.updates,
        "at_begin": recorder.at_begin,
        "same_scheduler": recorder.schedulers == {id(sched)} and trainer.lr_scheduler is sched,
        "logged": [
            (e["step"], e["learning_rate"])
            for e in trainer.state.log_history
            if "learning_rate" in e
        ],
        "global_step": trainer.state.global_step,
        "scheduler_step": sched.last_epoch,
        "lr_after": float(opt.param_groups[0]["lr"]),
        "state_dict": sched.state_dict(),
        "warnings": described(caught),
        "parameters": parameters(model.net),
    }


def hugging_face(phase: str, folder: Path) -> dict[str, Any]:
    import torch

    output = folder / "hf"
    half = output / f"checkpoint-{HALF}"
    if phase == "main":
        full = hf_train(TOTAL, output)
        saved = torch.load(half / "scheduler.pt", map_location="cpu", weights_only=True)
        return {
            "full": full,
            "checkpoints": sorted(p.name for p in output.iterdir()),
            "half_scheduler_pt": saved,
            "accumulate": hf_train(
                ACCUMULATED, folder / "hf-accumulate", gradient_accumulation_steps=2
            ),
        }
    return {"resume": hf_train(TOTAL, folder / "hf-resume", resume=half)}


def main() -> None:
    framework, phase, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    assert phase in ("main", "resume"), phase
    start = time.perf_counter()
    import torch

    torch.set_num_threads(1)
    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if framework == "lightning":
        result = lightning(phase, folder)
    elif framework == "transformers":
        import transformers as hf

        hf.logging.set_verbosity_error()
        result = hugging_face(phase, folder)
    else:
        raise SystemExit(f"unknown framework {framework!r}")
    result["seconds"] = time.perf_counter() - start
    (folder / f"{framework}-{phase}.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
