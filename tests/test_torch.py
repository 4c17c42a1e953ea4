"""lrdecay.torch: a real LRScheduler that sets the schedule's closed-form value at every step."""

from __future__ import annotations

import copy
import io
import json
import pickle
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from catalogue import EXAMPLES
from frameworks import require
from hypothesis import given
from hypothesis import strategies as st
from strategies import schedules
from ulps import EPS32, assert_ulps

require("torch")

import torch  # noqa: E402
from torch.optim.lr_scheduler import LRScheduler  # noqa: E402

import lrdecay  # noqa: E402
import lrdecay.torch  # noqa: E402
from lrdecay import Constant, Cosine, Join, Piecewise, Restarts, linear, warmup  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WARMUP_COSINE = warmup(Cosine(init_value=1e-3, decay_steps=900, end_value=1e-5), steps=100)


def params(n: int = 3) -> list[torch.nn.Parameter]:
    return [torch.nn.Parameter(torch.zeros(2)) for _ in range(n)]


def sgd(lr: Any = 0.1, groups: int = 1, **kw: Any) -> torch.optim.SGD:
    ps = params(groups)
    return torch.optim.SGD([{"params": [p]} for p in ps], lr=lr, **kw)


def lrs(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


# --------------------------------------------------------------------------- the contract
def test_is_a_real_lr_scheduler() -> None:
    opt = sgd()
    sched = lrdecay.torch.scheduler(opt, WARMUP_COSINE)
    assert isinstance(sched, LRScheduler)
    assert isinstance(sched, lrdecay.torch.Scheduler)
    assert sched.optimizer is opt
    assert "WARMUP" not in repr(sched) and "Scheduler(SGD" in repr(sched)


@pytest.mark.parametrize("name", ["Piecewise", "Polynomial-cycle", "Exponential", "linear"])
def test_after_k_steps_the_rate_is_the_schedule_at_k(name: str) -> None:
    schedule = EXAMPLES[name]
    opt = sgd(groups=2)
    sched = lrdecay.torch.scheduler(opt, schedule)
    for k in range(400):
        # float rates are the schedule's double-precision value itself
        assert lrs(opt) == [schedule(k)] * 2, k
        assert sched.last_epoch == sched.step_count == k
        assert sched.get_last_lr() == [schedule(k)] * 2
        opt.step()
        sched.step()


@given(
    schedule=schedules(),
    steps=st.lists(st.integers(0, 10**7), min_size=1, max_size=20),
)
def test_random_access_equals_the_sweep(schedule: lrdecay.Schedule, steps: list[int]) -> None:
    opt = sgd()
    sched = lrdecay.torch.scheduler(opt, schedule)
    for k in steps:
        sched.set_step(k)
        assert opt.param_groups[0]["lr"] == schedule(k)
    sched.set_step(steps[0])
    sched.step()
    assert opt.param_groups[0]["lr"] == schedule(steps[0] + 1)


def test_one_schedule_per_group() -> None:
    a, b = Constant(0.5), linear(0.0, 1.0, 10)
    opt = sgd(groups=2)
    sched = lrdecay.torch.scheduler(opt, [a, b])
    for k in range(15):
        assert lrs(opt) == [0.5, b(k)]
        sched.step()
    with pytest.raises(ValueError, match=r"schedule has 3 schedules .* 2 param groups"):
        lrdecay.torch.scheduler(opt, [a, b, a])


def test_relative_scales_each_groups_own_base_rate() -> None:
    bases = [0.1, 0.03, 2.0]
    ps = params(3)
    opt = torch.optim.SGD([{"params": [p], "lr": r} for p, r in zip(ps, bases, strict=True)])
    sched = lrdecay.torch.scheduler(opt, Cosine(init_value=1.0, decay_steps=50), relative=True)
    assert sched.base_lrs == bases
    for k in range(60):
        assert lrs(opt) == [r * Cosine(1.0, 50)(k) for r in bases]
        sched.step()
    assert sched.base_lrs == bases  # snapshotted by value: never the live rate


def test_groups_added_later() -> None:
    opt = sgd(lr=0.2)
    sched = lrdecay.torch.scheduler(opt, linear(1.0, 0.0, 10), relative=True)
    sched.step()
    opt.add_param_group({"params": params(1), "lr": 0.5})
    sched.step()
    assert lrs(opt) == [0.2 * 0.8, 0.5 * 0.8]  # the new group's base is its own rate
    per_group = lrdecay.torch.scheduler(sgd(groups=1), [Constant(0.1)])
    per_group.optimizer.add_param_group({"params": params(1)})
    with pytest.raises(ValueError, match=r"now has 2 param groups.*one schedule per group"):
        per_group.step()


def test_never_touches_optimizer_step_and_never_warns() -> None:
    opt = sgd()
    step_before = opt.step
    keys_before = [sorted(g) for g in opt.param_groups]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = lrdecay.torch.scheduler(opt, WARMUP_COSINE)
        sched.step()  # before any optimizer.step(): PyTorch's schedulers warn here
        sched.step()
        opt.step()
        sched.step(5)  # the deprecated epoch argument: a plain jump, no warning
    assert opt.step == step_before
    assert not hasattr(opt.step, "_wrapped_by_lr_sched")
    assert [sorted(g) for g in opt.param_groups] == keys_before  # no 'initial_lr'
    assert sched.last_epoch == 5 and opt.param_groups[0]["lr"] == WARMUP_COSINE(5)


# --------------------------------------------------------------------------- resume
def run(schedule: lrdecay.Schedule, n: int, state: dict[str, Any] | None = None) -> list[float]:
    """The rate of each of ``n`` updates, with a fresh optimizer (resumed from ``state``)."""
    opt = sgd(lr=torch.tensor(0.0))
    sched = lrdecay.torch.scheduler(opt, schedule)
    if state is not None:
        sched.load_state_dict(state)
    out = []
    for _ in range(n):
        out.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize("k", [0, 1, 99, 100, 101, 500, 999, 1000, 1001])
def test_resume_at_every_boundary_continues_the_identical_sequence(k: int) -> None:
    schedule = Join([WARMUP_COSINE, Constant(1e-5)], boundaries=[1000])
    full = run(schedule, 1100)
    opt = sgd(lr=torch.tensor(0.0))
    sched = lrdecay.torch.scheduler(opt, schedule)
    for _ in range(k):
        sched.step()
    state = sched.state_dict()
    # through the formats a checkpoint takes: JSON, torch.save with weights_only, pickle
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    for restored in (
        json.loads(json.dumps(state)),
        torch.load(buffer, weights_only=True),
        pickle.loads(pickle.dumps(state)),
        copy.deepcopy(state),
    ):
        assert run(schedule, 1100 - k, restored) == full[k:]
    # and from the global step alone, without the scheduler's state
    opt = sgd(lr=torch.tensor(0.0))
    rebuilt = lrdecay.torch.scheduler(opt, schedule, step=k)
    assert float(opt.param_groups[0]["lr"]) == full[k]
    rebuilt.step()
    assert float(opt.param_groups[0]["lr"]) == full[k + 1]


def test_state_dict_is_plain_data() -> None:
    sched = lrdecay.torch.scheduler(sgd(), WARMUP_COSINE, momentum=Constant(0.9))
    sched.set_step(7)
    state = sched.state_dict()
    assert state["step"] == 7
    assert lrdecay.from_config(state["schedules"][0]) == WARMUP_COSINE
    assert lrdecay.from_config(state["momentum"][0]) == Constant(0.9)
    assert json.loads(json.dumps(state)) == state


def test_a_changed_configuration_raises_unless_a_policy_says_what_to_do() -> None:
    old = lrdecay.torch.scheduler(sgd(), Cosine(init_value=0.1, decay_steps=100))
    for _ in range(10):
        old.step()
    state = old.state_dict()
    new_schedule = Cosine(init_value=0.2, decay_steps=100)
    with pytest.raises(ValueError, match=r"differs from this scheduler's in schedules.*keep_saved"):
        lrdecay.torch.scheduler(sgd(), new_schedule).load_state_dict(state)
    opt = sgd()
    keep = lrdecay.torch.scheduler(opt, new_schedule, on_config_change="keep_saved")
    keep.load_state_dict(state)
    assert keep.schedules == (Cosine(init_value=0.1, decay_steps=100),)
    assert opt.param_groups[0]["lr"] == Cosine(0.1, 100)(10)
    opt = sgd()
    use = lrdecay.torch.scheduler(opt, new_schedule, on_config_change="use_new")
    use.load_state_dict(state)
    assert use.last_epoch == 10 and opt.param_groups[0]["lr"] == new_schedule(10)


def test_relative_keeps_the_saved_base_rates() -> None:
    opt = sgd(lr=0.5)
    sched = lrdecay.torch.scheduler(opt, linear(1.0, 0.0, 10), relative=True)
    sched.set_step(4)
    state = sched.state_dict()
    # A resumed optimizer holds the scheduled rate, not the base: the base comes from the state.
    opt2 = sgd(lr=0.5 * 0.6)
    sched2 = lrdecay.torch.scheduler(
        opt2, linear(1.0, 0.0, 10), relative=True, on_config_change="keep_saved"
    )
    sched2.load_state_dict(state)
    assert sched2.base_lrs == [0.5]
    assert opt2.param_groups[0]["lr"] == 0.5 * linear(1.0, 0.0, 10)(4)


# --------------------------------------------------------------------------- tensors
@pytest.mark.parametrize("capturable", [None, True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_a_tensor_rate_is_updated_in_place(capturable: bool | None, dtype: torch.dtype) -> None:
    base = torch.tensor(2e-3, dtype=dtype)
    opt = torch.optim.AdamW(params(2), lr=base.clone())
    lr = opt.param_groups[0]["lr"]
    schedule = Restarts(WARMUP_COSINE, period_steps=300, period_factor=2.0, value_factor=0.5)
    sched = lrdecay.torch.scheduler(opt, schedule, capturable=capturable)
    eps = EPS32 if dtype == torch.float32 else 2.0**-52
    got, want = [], []
    for k in range(1000):
        assert opt.param_groups[0]["lr"] is lr
        assert lr.dtype == dtype and lr.shape == () and lr.device.type == "cpu"
        got.append(float(lr))
        want.append(schedule(k))
        sched.step()
    # the double-precision value rounded once, or the same formula computed in the tensor's dtype
    assert_ulps(got, want, 1e-3, ulps=1 if capturable is not True else 16, eps=eps)
    assert float(base) == 2e-3 if dtype == torch.float64 else float(base) == float(np.float32(2e-3))


def test_relative_with_tensor_rates_and_the_device_counter() -> None:
    ps = params(2)
    opt = torch.optim.SGD(
        [{"params": [ps[0]], "lr": torch.tensor(0.1)}, {"params": [ps[1]], "lr": torch.tensor(1.0)}]
    )
    schedule = linear(1.0, 0.0, 100)
    sched = lrdecay.torch.scheduler(opt, schedule, relative=True, capturable=True)
    for k in range(0, 120, 7):
        sched.set_step(k)
        assert_ulps(lrs(opt), [0.1 * schedule(k), schedule(k)], 0.1, ulps=4, eps=EPS32)
    sched.step()
    assert_ulps(lrs(opt), [0.1 * schedule(113), schedule(113)], 0.1, ulps=4, eps=EPS32)


def test_a_compiled_optimizer_step_does_not_recompile() -> None:
    from torch._dynamo.testing import CompileCounter

    def count(lr: Any) -> tuple[int, int]:
        torch._dynamo.reset()
        torch.manual_seed(0)
        model = torch.nn.Linear(8, 1)
        opt = torch.optim.AdamW(model.parameters(), lr=lr)
        sched = lrdecay.torch.scheduler(opt, WARMUP_COSINE)
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
        return first, counter.frame_count

    first, total = count(torch.tensor(0.0))
    assert first >= 1 and total == first, (first, total)  # 0 recompiles over 100 steps
    # The counter sees recompiles: a float rate changing at each step recompiles the step (once,
    # in torch 2.13, which then makes the float an input of the graph).
    first, total = count(0.0)
    assert total > first


# --------------------------------------------------------------------------- momentum
def test_momentum_and_betas() -> None:
    m = linear(0.95, 0.85, 10)
    opt = sgd(momentum=0.9)
    sched = lrdecay.torch.scheduler(opt, Constant(0.1), momentum=m)
    sched.set_step(5)
    assert opt.param_groups[0]["momentum"] == m(5)
    adam = torch.optim.Adam(params(1), lr=0.1, betas=(0.9, 0.99))
    sched = lrdecay.torch.scheduler(adam, Constant(0.1), momentum=m)
    sched.set_step(3)
    assert adam.param_groups[0]["betas"] == (m(3), 0.99)
    beta1 = torch.tensor(0.9)
    adam = torch.optim.Adam(params(1), lr=torch.tensor(0.1), betas=(beta1, torch.tensor(0.99)))
    sched = lrdecay.torch.scheduler(adam, Constant(0.1), momentum=m)
    sched.step()
    assert adam.param_groups[0]["betas"][0] is beta1
    assert float(beta1) == float(np.float32(m(1)))
    with pytest.raises(ValueError, match=r"param group 0 has neither 'momentum' nor 'betas'"):
        lrdecay.torch.scheduler(torch.optim.Adagrad(params(1)), Constant(0.1), momentum=m)


# --------------------------------------------------------------------------- bad input
def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch.optim.Optimizer, got 3"):
        lrdecay.torch.scheduler(3, Constant(0.1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"schedule must be an lrdecay Schedule.*got 0.1"):
        lrdecay.torch.scheduler(sgd(), 0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"every item of schedule must be an lrdecay Schedule"):
        lrdecay.torch.scheduler(sgd(groups=2), [Constant(0.1), "cosine"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"step must be in \[0, 2\*\*53\], got -1"):
        lrdecay.torch.scheduler(sgd(), Constant(0.1), step=-1)
    with pytest.raises(TypeError, match=r"step must be an int .*got 1.5"):
        lrdecay.torch.scheduler(sgd(), Constant(0.1), step=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"on_config_change must be one of .* got 'ignore'"):
        lrdecay.torch.scheduler(sgd(), Constant(0.1), on_config_change="ignore")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"relative must be a bool, got 1"):
        lrdecay.torch.scheduler(sgd(), Constant(0.1), relative=1)  # type: ignore[arg-type]
    sched = lrdecay.torch.scheduler(sgd(), Constant(0.1))
    with pytest.raises(ValueError, match=r"not a 'lrdecay.torch.Scheduler/1' state"):
        sched.load_state_dict({"last_epoch": 3, "base_lrs": [0.1]})
    with pytest.raises(TypeError, match=r"state_dict must be a dict"):
        sched.load_state_dict([3])  # type: ignore[arg-type]


def test_importing_lrdecay_does_not_import_torch() -> None:
    code = "import sys, lrdecay; lrdecay.Cosine(1.0, 10)(3); print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --------------------------------------------------------------------------- real training
def test_training_resumed_in_a_fresh_process_ends_bit_identical(tmp_path: Path) -> None:
    worker = Path(__file__).with_name("torch_training_worker.py")
    for phase in ("before", "after"):
        subprocess.run([sys.executable, str(worker), phase, str(tmp_path)], check=True, cwd=ROOT)
    full = torch.load(tmp_path / "full.pt", weights_only=True)
    full_lrs = json.loads((tmp_path / "full-lrs.json").read_text())
    first_lrs = json.loads((tmp_path / "first-lrs.json").read_text())
    for mode in ("resume", "resume-global-step"):
        resumed = torch.load(tmp_path / f"{mode}.pt", weights_only=True)
        assert full.keys() == resumed.keys()
        for key in full:
            assert torch.equal(full[key], resumed[key]), (mode, key)
        assert first_lrs + json.loads((tmp_path / f"{mode}-lrs.json").read_text()) == full_lrs
    schedule = warmup(Cosine(init_value=3e-2, decay_steps=270, end_value=1e-4), steps=30)
    assert_ulps(full_lrs, [schedule(k) for k in range(300)], 3e-2, ulps=1, eps=EPS32)
    # The parameters did move: a run that ignored the schedule would not end where this one does.
    assert not torch.equal(
        full["0.weight"], torch.load(tmp_path / "checkpoint.pt")["model"]["0.weight"]
    )


def test_piecewise_boundaries_through_the_scheduler() -> None:
    # Piecewise switches at its boundary (step >= b): the update number b uses the new value.
    opt = sgd()
    sched = lrdecay.torch.scheduler(opt, Piecewise(boundaries=[3], values=[1.0, 0.1]))
    seen = []
    for _ in range(5):
        seen.append(opt.param_groups[0]["lr"])
        sched.step()
    assert seen == [1.0, 1.0, 1.0, 0.1, 0.1]
