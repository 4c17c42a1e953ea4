"""``examples/ddp_train.py`` under torchrun, with real processes on this machine (gloo, CPU).

Each configuration runs once (module-scoped fixtures), in a temporary folder:

* ``base``: 2 processes, no accumulation, uninterrupted: the reference;
* ``accumulation``: 2 processes accumulating 2 and 4 micro-batches, the same global batch;
* ``killed``: 2 processes killed with SIGKILL after update ``KILL_AT``; each resumed run
  continues a copy of its folder from the last checkpoint, on 2 processes (``resumed``) or on 1
  (``resumed_on_one``).

The expected rates are computed here from lrdecay, from the run's parameters (not read from the
script): update ``k`` uses ``schedule(k)``, where ``k`` counts global optimizer updates.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from frameworks import require

require("torch")
require("sklearn")  # the example's data: scikit-learn's digits

import torch  # noqa: E402

import lrdecay  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "ddp_train.py"
TIMEOUT = 300  # seconds per torchrun: generous, for a loaded machine

# The run, as given to the script.
EXAMPLES = 1797  # scikit-learn's digits
GLOBAL_BATCH = 64
EPOCHS = 2
LR = 0.01
END_LR = 1e-4
WARMUP_EPOCHS = 0.25
CHECKPOINT_EVERY = 10
KILL_AT = 33  # in the second epoch; the last checkpoint before it is at update 30
ARGS = [
    f"--global-batch={GLOBAL_BATCH}",
    f"--epochs={EPOCHS}",
    f"--lr={LR}",
    f"--end-lr={END_LR}",
    f"--warmup-epochs={WARMUP_EPOCHS}",
    f"--checkpoint-every={CHECKPOINT_EVERY}",
    "--seed=0",
]

# What the run must do, computed independently: an update takes GLOBAL_BATCH examples, whatever
# the number of processes and of accumulated micro-batches.
UPDATES_PER_EPOCH = EXAMPLES // GLOBAL_BATCH  # 28
TOTAL = EPOCHS * UPDATES_PER_EPOCH  # 56
WARMUP = round(WARMUP_EPOCHS * UPDATES_PER_EPOCH)  # 7
SCHEDULE = lrdecay.warmup(
    lrdecay.Cosine(init_value=LR, decay_steps=TOTAL - WARMUP, end_value=END_LR), steps=WARMUP
)
LAST_CHECKPOINT = KILL_AT // CHECKPOINT_EVERY * CHECKPOINT_EVERY  # 30


@dataclass
class Run:
    """One torchrun: its result, its output folder and the number of lines its logs held
    before it started (a resumed run appends to the killed run's logs)."""

    done: subprocess.CompletedProcess[str]
    out: Path
    before: dict[int, int]

    def records(self, rank: int) -> list[dict[str, Any]]:
        """Every line rank ``rank`` logged in this folder (earlier runs' lines included)."""
        path = self.out / f"updates-rank{rank}.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def new_records(self, rank: int) -> list[dict[str, Any]]:
        """The lines this run logged."""
        return self.records(rank)[self.before.get(rank, 0) :]

    def rates(self, rank: int) -> list[float]:
        """The rate of each update, by update index (a redone update: its last rate)."""
        by_update = {r["update"]: r["lr"] for r in self.records(rank)}
        assert sorted(by_update) == list(range(len(by_update))), sorted(by_update)
        return [by_update[k] for k in range(len(by_update))]

    def final(self) -> dict[str, torch.Tensor]:
        return torch.load(self.out / "final.pt", weights_only=True)  # type: ignore[no-any-return]

    def explain(self) -> str:
        return f"torchrun exited {self.done.returncode}:\n{self.done.stderr[-4000:]}"


@dataclass
class Launched:
    """A torchrun under way: finish it with :func:`finish`."""

    process: subprocess.Popen[bytes]
    out: Path
    before: dict[int, int]
    stdout: Path
    stderr: Path


def launch(nproc: int, out: Path, *args: str) -> Launched:
    """Start ``torchrun --standalone`` (a rendezvous on a free port of localhost) of the script,
    its output in files next to ``out`` (no pipe to fill while another run is awaited)."""
    before = {}
    for rank in range(2):
        log = out / f"updates-rank{rank}.jsonl"
        if log.exists():
            before[rank] = len(log.read_text(encoding="utf-8").splitlines())
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}
    }
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={nproc}",
        "--monitor-interval=0.1",  # notice a finished (or killed) worker at once
        str(SCRIPT),
        f"--out={out}",
        *ARGS,
        *args,
    ]
    stdout, stderr = out.parent / f"{out.name}.stdout", out.parent / f"{out.name}.stderr"
    with open(stdout, "wb") as o, open(stderr, "wb") as e:
        process = subprocess.Popen(
            command, cwd=out.parent, env=env, stdout=o, stderr=e, start_new_session=True
        )
    return Launched(process, out, before, stdout, stderr)


def finish(launched: Launched) -> Run:
    """Wait for a torchrun; past TIMEOUT, kill it and its workers (its own process group)."""
    process = launched.process
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    done = subprocess.CompletedProcess(
        process.args,
        process.returncode,
        launched.stdout.read_text(errors="replace"),
        launched.stderr.read_text(errors="replace"),
    )
    return Run(done, launched.out, launched.before)


def finish_all(started: dict[int, Launched]) -> dict[int, Run]:
    """Wait for every torchrun; if one fails to finish, kill those still running."""
    try:
        return {key: finish(launched) for key, launched in started.items()}
    finally:
        for launched in started.values():
            if launched.process.poll() is None:
                os.killpg(launched.process.pid, signal.SIGKILL)
                launched.process.wait()


def torchrun(nproc: int, out: Path, *args: str) -> Run:
    return finish_all({0: launch(nproc, out, *args)})[0]


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process of the script (not gone, not a zombie, not reused)."""
    proc = Path(f"/proc/{pid}")
    if proc.parent.is_dir():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (proc / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in {"Z", "X"} and b"ddp_train.py" in command
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def same_bits(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].numpy().tobytes() == b[k].numpy().tobytes() for k in a
    )


def close(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], rtol=1e-4, atol=1e-6) for k in a)


# ---------------------------------------------------------------------------------- the runs
@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = torchrun(2, tmp_path_factory.mktemp("ddp") / "base")
    assert run.done.returncode == 0, run.explain()
    return run


@pytest.fixture(scope="module")
def accumulation(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Run]:
    started = {
        steps: launch(2, tmp_path_factory.mktemp("ddp") / f"acc{steps}", f"--accumulation={steps}")
        for steps in (2, 4)  # both at once: each waits on its collectives part of the time
    }
    runs = finish_all(started)
    for run in runs.values():
        assert run.done.returncode == 0, run.explain()
    return runs


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The run killed after KILL_AT updates; its folder is left as the crash left it (the
    resumed runs continue copies of it)."""
    return torchrun(2, tmp_path_factory.mktemp("ddp") / "killed", f"--kill-at={KILL_AT}")


def copy_of(run: Run, name: str, factory: pytest.TempPathFactory) -> Path:
    copy = factory.mktemp("ddp") / name
    shutil.copytree(run.out, copy)
    return copy


@pytest.fixture(scope="module")
def resumptions(killed: Run, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Run]:
    """The killed run resumed on 2 processes and, from another copy, on 1 (both at once). The
    single process accumulates 2 micro-batches: the same global batch, in micro-batches of the
    killed run's size."""
    started = {
        2: launch(2, copy_of(killed, "resumed-on-2", tmp_path_factory), "--resume"),
        1: launch(
            1, copy_of(killed, "resumed-on-1", tmp_path_factory), "--resume", "--accumulation=2"
        ),
    }
    runs = finish_all(started)
    for run in runs.values():
        assert run.done.returncode == 0, run.explain()
    return runs


@pytest.fixture(scope="module")
def resumed(resumptions: dict[int, Run]) -> Run:
    return resumptions[2]


@pytest.fixture(scope="module")
def resumed_on_one(resumptions: dict[int, Run]) -> Run:
    return resumptions[1]


# ---------------------------------------------------------------------------------- the tests
def test_the_expected_rates_are_distinct() -> None:
    """Each update has a rate of its own, so a rate applied one update early or late shows."""
    rates = [SCHEDULE(k) for k in range(TOTAL)]
    assert len(set(rates)) == TOTAL
    assert rates[0] == 0.0 and rates[WARMUP] == LR


def test_every_rank_applies_the_rate_of_the_global_update(base: Run) -> None:
    expected = [SCHEDULE(k) for k in range(TOTAL)]
    for rank in (0, 1):
        records = base.records(rank)
        assert [r["update"] for r in records] == list(range(TOTAL))  # each update once
        assert {(r["rank"], r["world_size"]) for r in records} == {(rank, 2)}
        assert [r["lr"] for r in records] == expected, f"rank {rank}"
    assert base.rates(0) == base.rates(1)
    # The last checkpoint holds the scheduler at the end of the run, as plain data.
    checkpoint = torch.load(base.out / "checkpoint.pt", weights_only=True)
    assert checkpoint["update"] == checkpoint["scheduler"]["step"] == TOTAL


def test_accumulation_gives_the_same_updates_and_rates(
    base: Run, accumulation: dict[int, Run]
) -> None:
    reference = base.final()
    for steps, run in accumulation.items():
        for rank in (0, 1):
            records = run.records(rank)
            assert [r["update"] for r in records] == list(range(TOTAL)), f"accumulation {steps}"
            assert run.rates(rank) == base.rates(rank), f"accumulation {steps}, rank {rank}"
        # The same mean gradient over the same global batch, summed in another order.
        assert close(run.final(), reference), f"accumulation {steps}"


def test_a_killed_run_really_dies(killed: Run) -> None:
    run = killed
    assert run.done.returncode != 0, "torchrun reported success for a killed run"
    assert "SIGKILL" in run.done.stderr, run.done.stderr[-3000:]
    pids = set()
    for rank in (0, 1):
        records = run.records(rank)
        assert [r["update"] for r in records] == list(range(KILL_AT)), f"rank {rank}"
        pids |= {r["pid"] for r in records}
    assert len(pids) == 2
    assert not [pid for pid in pids if alive(pid)], "a killed worker is still running"
    assert not (run.out / "final.pt").exists()
    checkpoint = torch.load(run.out / "checkpoint.pt", weights_only=True)
    assert checkpoint["update"] == checkpoint["scheduler"]["step"] == LAST_CHECKPOINT
    epoch, index = divmod(LAST_CHECKPOINT, UPDATES_PER_EPOCH)  # 1, 2: within the second epoch
    assert (checkpoint["epoch"], checkpoint["position"]) == (epoch, index * GLOBAL_BATCH)


def test_a_resumed_run_continues_exactly(base: Run, resumed: Run) -> None:
    assert f"resumed at update {LAST_CHECKPOINT}:" in resumed.done.stdout, resumed.done.stdout
    reference = base.rates(0)
    for rank in (0, 1):
        new = resumed.new_records(rank)
        # It starts again at the checkpoint (the updates after it are redone), to the end.
        assert [r["update"] for r in new] == list(range(LAST_CHECKPOINT, TOTAL)), f"rank {rank}"
        assert new[0]["lr"] == reference[LAST_CHECKPOINT] == SCHEDULE(LAST_CHECKPOINT)
        assert {r["world_size"] for r in new} == {2}
        # The redone updates have the rates the killed run gave them.
        assert resumed.before[rank] == KILL_AT  # the killed run's lines come first
        first = {r["update"]: r["lr"] for r in resumed.records(rank)[:KILL_AT]}
        assert [first[r["update"]] for r in new if r["update"] < KILL_AT] == [
            r["lr"] for r in new if r["update"] < KILL_AT
        ]
        assert resumed.rates(rank) == reference, f"rank {rank}"
    assert same_bits(resumed.final(), base.final()), "parameters differ from the unbroken run"


def test_a_run_resumed_on_another_world_size_continues_the_rates(
    base: Run, resumed_on_one: Run
) -> None:
    assert f"resumed at update {LAST_CHECKPOINT}:" in resumed_on_one.done.stdout
    new = resumed_on_one.new_records(0)
    assert [r["update"] for r in new] == list(range(LAST_CHECKPOINT, TOTAL))
    assert {(r["rank"], r["world_size"]) for r in new} == {(0, 1)}
    assert resumed_on_one.rates(0) == base.rates(0)
    # The gradients are reduced in another order: the parameters are close, not bit-identical.
    assert close(resumed_on_one.final(), base.final())


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({}, [], "run this script with torchrun"),
        (
            {"RANK": "0", "WORLD_SIZE": "2"},
            ["--accumulation=3"],
            "--global-batch 64 is not divisible by world size x accumulation = 2 x 3",
        ),
    ],
    ids=["without-torchrun", "indivisible-global-batch"],
)
def test_misuse_is_an_error(
    tmp_path: Path, env: dict[str, str], args: list[str], message: str
) -> None:
    base_env = {k: v for k, v in os.environ.items() if k not in {"RANK", "WORLD_SIZE"}}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), f"--out={tmp_path / 'out'}", *ARGS, *args],
        env={**base_env, "OMP_NUM_THREADS": "1", **env},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert not (tmp_path / "out").exists()
