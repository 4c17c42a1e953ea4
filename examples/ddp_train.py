"""Data-parallel training with ``torch.distributed`` and an lrdecay schedule, resumable exactly.

Run it with torchrun (gloo on CPU, NCCL where CUDA is available)::

    torchrun --standalone --nproc_per_node=2 examples/ddp_train.py --out runs/ddp
    torchrun --standalone --nproc_per_node=2 examples/ddp_train.py --out runs/ddp --accumulation 2
    # a crash after update 33, then a resume from the last checkpoint, on one process:
    torchrun --standalone --nproc_per_node=2 examples/ddp_train.py --out runs/ddp --kill-at 33
    torchrun --standalone --nproc_per_node=1 examples/ddp_train.py --out runs/ddp --resume

It trains a small MLP on scikit-learn's digits (shipped with scikit-learn, no download) with
``DistributedDataParallel`` and AdamW, its learning rate set by
``lrdecay.torch.scheduler(optimizer, warmup(Cosine(...)))``: a linear warm-up, then a cosine
decay, so that every update has a rate of its own. What it demonstrates:

* **The schedule counts global optimizer updates.** Every process steps the scheduler once per
  optimizer update: never once per micro-batch, never multiplied by the number of processes. All
  ranks apply the same rate at every update.
* **The global batch defines the run.** ``--global-batch G`` examples make one update, whatever
  the number of processes ``N`` and of accumulated micro-batches ``A`` (``G`` must be divisible
  by ``N * A``): each update takes the next ``G`` examples of a global order (a permutation per
  epoch, from ``torch.Generator().manual_seed(seed + epoch)``; the last ``len(data) % G``
  examples of an epoch are left out), and each rank takes ``G / N`` of them in ``A``
  micro-batches. So ``--accumulation 1, 2, 4`` run the same updates with the same rates, and the
  horizon (updates per epoch: plain arithmetic, ``len(data) // G``; the run's length and
  warm-up, rounded to whole updates: a :class:`lrdecay.Clock`) does not depend on ``N`` or ``A``.
* **The gradient is the mean over the global batch.** Each micro-batch's mean loss is divided by
  ``A``; DDP averages over the ``N`` ranks; ``no_sync()`` skips the all-reduce of every
  micro-batch but the last of an update.
* **Exact resume.** Every ``--checkpoint-every`` updates rank 0 writes a checkpoint atomically
  (a temporary file, then ``os.replace``): model, optimizer, ``scheduler.state_dict()``, the
  global update count and the position in the data. ``--resume`` continues from it (loaded with
  ``torch.load(weights_only=True)``), on the same or on another number of processes: the same
  rates from the same update on and, on the same number of processes, bit-identical parameters.
* ``--kill-at K`` kills every rank with ``SIGKILL`` once ``K`` updates are done (after the
  checkpoint logic): a real crash, which torchrun reports as a failure.

Outputs in ``--out``: ``updates-rank{R}.jsonl`` (each rank writes one line per optimizer update,
flushed at once: ``{"rank", "world_size", "update", "lr", "epoch", "pid"}`` where ``update`` is
the 0-based index of the update and ``lr`` is ``optimizer.param_groups[0]["lr"]`` when
``optimizer.step()`` ran; a resumed run appends, so the updates redone after the last checkpoint
appear twice), ``checkpoint.pt`` (the latest checkpoint) and, at the end, ``final.pt`` (rank 0:
the model's ``state_dict``, on the CPU).

Deterministic: fixed seeds, one thread per process, no dropout; the same command on the same
number of processes gives bit-identical results on CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

import lrdecay
import lrdecay.torch

CHECKPOINT_FORMAT = "lrdecay-examples-ddp/1"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="DDP training of an MLP on digits with an lrdecay schedule (run with torchrun)"
    )
    parser.add_argument("--out", type=Path, default=Path("runs/ddp"), help="output folder")
    parser.add_argument(
        "--global-batch", type=int, default=64, help="examples per optimizer update, all ranks"
    )
    parser.add_argument(
        "--accumulation", type=int, default=1, help="micro-batches per update on each rank"
    )
    parser.add_argument("--epochs", type=float, default=2.0, help="passes over the data")
    parser.add_argument("--lr", type=float, default=0.01, help="peak learning rate")
    parser.add_argument("--end-lr", type=float, default=1e-4, help="rate at the end of the decay")
    parser.add_argument(
        "--warmup-epochs", type=float, default=0.25, help="linear warm-up, in epochs"
    )
    parser.add_argument("--hidden", type=int, default=64, help="width of the hidden layer")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--checkpoint-every", type=int, default=10, help="write a checkpoint every K updates"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue from OUT/checkpoint.pt if it exists"
    )
    parser.add_argument(
        "--kill-at",
        type=int,
        default=None,
        metavar="K",
        help="after K updates (and the checkpoint logic), every rank kills itself with SIGKILL",
    )
    return parser.parse_args(argv)


def fail(message: str) -> None:
    """Stop this process with ``message`` (every rank checks the same things, so all stop)."""
    print(f"ddp_train.py: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def load_digits(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 1797 digits: 8x8 images scaled to [0, 1], and their labels."""
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32, device=device)
    y = torch.tensor(digits.target, dtype=torch.int64, device=device)
    return x, y


def build_model(features: int, hidden: int, classes: int, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)  # the same initial parameters on every rank, before any broadcast
    return torch.nn.Sequential(
        torch.nn.Linear(features, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes)
    )


def plan(examples: int, args: argparse.Namespace) -> tuple[int, int, lrdecay.Schedule]:
    """Updates per epoch, total updates and the schedule: functions of the global batch only.

    Updates per epoch are plain arithmetic (``examples // G``: every update takes ``G`` examples,
    the tail of an epoch is left out); a :class:`lrdecay.Clock` converts the run's length and the
    warm-up from epochs to updates. Neither the number of processes nor the accumulation enters.
    """
    updates_per_epoch = examples // args.global_batch
    clock = lrdecay.Clock(
        steps_per_epoch=updates_per_epoch, total_steps=lrdecay.epochs(args.epochs)
    )
    total = int(clock.total_steps)
    warm = round(clock.to_steps(lrdecay.epochs(args.warmup_epochs)))  # whole updates
    if not 0 <= warm < total:
        fail(f"--warmup-epochs {args.warmup_epochs} gives {warm} warm-up updates of {total}")
    schedule = lrdecay.warmup(
        lrdecay.Cosine(init_value=args.lr, decay_steps=total - warm, end_value=args.end_lr),
        steps=warm,
    )
    return updates_per_epoch, total, schedule


def epoch_order(examples: int, seed: int, epoch: int) -> torch.Tensor:
    """The global order of the examples in ``epoch``: the same on every rank and in every run."""
    return torch.randperm(examples, generator=torch.Generator().manual_seed(seed + epoch))


def atomic_save(obj: dict[str, Any], path: Path) -> None:
    """Write ``obj`` so that ``path`` is always a whole checkpoint: the old one or the new one."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        fail(
            "run this script with torchrun, e.g. `torchrun --standalone --nproc_per_node=2 "
            "examples/ddp_train.py --out runs/ddp` (RANK and WORLD_SIZE are not set)"
        )
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    G, A = args.global_batch, args.accumulation
    if A < 1 or G < 1:
        fail(f"--global-batch and --accumulation must be >= 1, got {G} and {A}")
    if G % (world * A):
        fail(
            f"--global-batch {G} is not divisible by world size x accumulation = {world} x {A} "
            f"= {world * A}: each update takes G examples, in {world * A} equal micro-batches"
        )
    if args.checkpoint_every < 1:
        fail(f"--checkpoint-every must be >= 1, got {args.checkpoint_every}")

    torch.set_num_threads(1)
    if torch.cuda.is_available():
        backend, device = "nccl", torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    else:
        backend, device = "gloo", torch.device("cpu")
    x, y = load_digits(device)
    examples = len(x)
    if examples < G:
        fail(f"--global-batch {G} is larger than the data set ({examples} examples)")
    updates_per_epoch, total, schedule = plan(examples, args)
    if args.kill_at is not None and not 1 <= args.kill_at <= total:
        fail(f"--kill-at must be in [1, {total}] (the run has {total} updates), got {args.kill_at}")

    dist.init_process_group(backend)  # env:// — MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE
    out: Path = args.out
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    dist.barrier()
    checkpoint_path = out / "checkpoint.pt"

    model = build_model(x.shape[1], args.hidden, 10, args.seed).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    start = 0
    checkpoint: dict[str, Any] | None = None
    if args.resume and checkpoint_path.exists():
        checkpoint = torch.load(checkpoint_path, map_location=device, weights_only=True)
        if checkpoint.get("format") != CHECKPOINT_FORMAT:
            fail(f"{checkpoint_path} is not a checkpoint of this script")
        for key, value in (("global_batch", G), ("seed", args.seed)):
            if checkpoint[key] != value:
                fail(
                    f"the checkpoint was written with --{key.replace('_', '-')} "
                    f"{checkpoint[key]}, this run has {value}: the data order would differ"
                )
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start = int(checkpoint["update"])
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if device.type == "cuda" else None)
    # The rate is a function of the global update count alone: a scheduler built at 0, loading
    # the checkpoint's state, sets the rate of update `start` (and checks the schedule is the same).
    scheduler = lrdecay.torch.scheduler(optimizer, schedule)
    if checkpoint is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
        if scheduler.last_epoch != start:
            fail(f"the checkpoint's scheduler is at {scheduler.last_epoch}, its update at {start}")
    # Every rank must be at the same update (the same checkpoint was read by all).
    position = torch.tensor([start], dtype=torch.int64, device=device)
    dist.broadcast(position, src=0)
    if int(position.item()) != start:
        fail(f"rank {rank} resumes at update {start}, rank 0 at {int(position.item())}")
    if rank == 0:
        where = f"resumed at update {start}" if checkpoint is not None else "started"
        print(
            f"{where}: {total} updates ({updates_per_epoch} per epoch) of {G} examples, "
            f"world size {world}, accumulation {A}, {backend}",
            flush=True,
        )

    # A resumed run appends to the log of the run it continues (whose updates after its last
    # checkpoint are logged twice: compare by update index); a new run starts a new log.
    mode = "a" if args.resume else "w"
    log: TextIO = open(out / f"updates-rank{rank}.jsonl", mode, encoding="utf-8")  # noqa: SIM115
    micro = G // (world * A)
    order_epoch, order = -1, torch.empty(0, dtype=torch.int64)
    step = start  # completed optimizer updates: the scheduler's step
    while step < total:
        epoch, index = divmod(step, updates_per_epoch)
        if epoch != order_epoch:
            order_epoch, order = epoch, epoch_order(examples, args.seed, epoch)
        batch = order[index * G : (index + 1) * G]  # this update's G examples, all ranks
        mine = batch.view(world, A, micro)[rank].to(device)  # this rank's A micro-batches
        optimizer.zero_grad(set_to_none=True)
        for j in range(A):
            sync = j == A - 1  # all-reduce the accumulated gradient with the last micro-batch
            with contextlib.nullcontext() if sync else ddp.no_sync():
                # mean over the micro-batch / A, then DDP's mean over the ranks: the mean over G
                loss = F.cross_entropy(ddp(x[mine[j]]), y[mine[j]]) / A
                loss.backward()
        lr = float(optimizer.param_groups[0]["lr"])
        record = {
            "rank": rank,
            "world_size": world,
            "update": step,
            "lr": lr,
            "epoch": epoch,
            "pid": os.getpid(),
        }
        log.write(json.dumps(record) + "\n")
        log.flush()
        optimizer.step()
        scheduler.step()  # once per optimizer update, on every rank
        step += 1

        if step % args.checkpoint_every == 0 or step == total:
            if rank == 0:
                done_epoch, done_index = divmod(step, updates_per_epoch)
                atomic_save(
                    {
                        "format": CHECKPOINT_FORMAT,
                        "update": step,
                        "epoch": done_epoch,
                        "position": done_index * G,  # examples of that epoch's order consumed
                        "global_batch": G,
                        "seed": args.seed,
                        "world_size": world,
                        "accumulation": A,
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                    },
                    checkpoint_path,
                )
            dist.barrier()  # nobody runs ahead of (or dies before) a complete checkpoint
        if args.kill_at is not None and step == args.kill_at:
            dist.barrier()  # every rank has logged update K - 1
            log.close()
            os.kill(os.getpid(), signal.SIGKILL)  # a real crash: no cleanup, no exit code
    log.close()

    if rank == 0:
        torch.save({k: v.cpu() for k, v in model.state_dict().items()}, out / "final.pt")
        with torch.no_grad():
            accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
        print(f"done: {total} updates, training accuracy {accuracy:.3f}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
