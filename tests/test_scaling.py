"""lrdecay.scaling: the global batch, the horizon, the scaled peak and warm-up, and the check.

Updates per epoch are checked against what PyTorch's own ``DistributedSampler`` and
``DataLoader`` produce, counted by iterating them (the reference), with an accumulation window
counted by hand: every ``A`` micro-batches, and a last incomplete one per ``partial_window``.
"""

from __future__ import annotations

import math
import warnings

import pytest
from frameworks import require
from hypothesis import given
from hypothesis import strategies as st

import lrdecay
from lrdecay import HorizonWarning, TrainingPlan, scale_lr

require("torch")
from torch.utils.data import DataLoader, DistributedSampler  # noqa: E402


def counted_updates(
    dataset: int, batch: int, accumulation: int, world: int, drop_last: bool, partial: str
) -> int:
    """One process's optimizer updates over one epoch, by iterating torch's sampler and loader
    (every rank makes the same number; checked)."""
    counts = set()
    for rank in range(world):
        sampler = DistributedSampler(
            range(dataset), num_replicas=world, rank=rank, shuffle=False, drop_last=drop_last
        )
        loader = DataLoader(range(dataset), batch_size=batch, sampler=sampler, drop_last=drop_last)
        micro = sum(1 for _ in loader)
        updates, window = 0, 0
        for _ in range(micro):
            window += 1
            if window == accumulation:
                updates, window = updates + 1, 0
        if window and partial == "update":
            updates += 1
        counts.add(updates)
    assert len(counts) == 1
    return counts.pop()


@given(
    dataset=st.integers(1, 3000),
    batch=st.integers(1, 64),
    accumulation=st.integers(1, 8),
    world=st.integers(1, 8),
    drop_last=st.booleans(),
    partial=st.sampled_from(["update", "drop"]),
)
def test_updates_per_epoch_are_what_torchs_sampler_and_loader_make(
    dataset: int, batch: int, accumulation: int, world: int, drop_last: bool, partial: str
) -> None:
    expected = counted_updates(dataset, batch, accumulation, world, drop_last, partial)
    kwargs = dict(
        dataset_size=dataset,
        batch_size=batch,
        epochs=1,
        grad_accumulation=accumulation,
        world_size=world,
        drop_last=drop_last,
        partial_window=partial,
    )
    if expected == 0:
        with pytest.raises(ValueError, match="makes no update"):
            TrainingPlan(**kwargs)  # type: ignore[arg-type]
        return
    plan = TrainingPlan(**kwargs)  # type: ignore[arg-type]
    assert plan.updates_per_epoch == expected
    assert plan.global_batch == batch * accumulation * world


@given(
    per_epoch_examples=st.integers(1, 5000),
    epochs=st.one_of(st.integers(1, 50), st.floats(0.01, 50)),
    max_steps=st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_the_horizon_is_max_steps_when_given_else_the_epochs_rounded_up(
    per_epoch_examples: int, epochs: float, max_steps: int | None
) -> None:
    plan = TrainingPlan(
        dataset_size=per_epoch_examples, batch_size=16, epochs=epochs, max_steps=max_steps
    )
    upe = math.ceil(per_epoch_examples / 16)
    assert plan.updates_per_epoch == upe
    if max_steps is not None:
        assert plan.total_updates == max_steps
    else:
        # the smallest whole number of updates covering `epochs` passes
        assert plan.total_updates >= epochs * upe - 1e-9 * epochs * upe
        assert plan.total_updates - 1 < epochs * upe
    assert plan.epochs_run == plan.total_updates / upe
    assert plan.clock.resolve(lrdecay.epochs(2)) == 2 * upe
    assert plan.clock.resolve(lrdecay.fraction(1.0)) == plan.total_updates


def test_max_steps_alone_is_a_horizon() -> None:
    plan = TrainingPlan(dataset_size=1000, batch_size=10, max_steps=250)
    assert (plan.updates_per_epoch, plan.total_updates, plan.epochs_run) == (100, 250, 2.5)


@given(
    reference=st.integers(1, 4096),
    batch=st.integers(1, 512),
    accumulation=st.integers(1, 8),
    world=st.integers(1, 16),
    lr=st.floats(1e-6, 10),
)
def test_the_peak_moves_by_the_linear_and_square_root_rules(
    reference: int, batch: int, accumulation: int, world: int, lr: float
) -> None:
    g = batch * accumulation * world
    common = dict(
        dataset_size=10_000,
        batch_size=batch,
        epochs=1,
        grad_accumulation=accumulation,
        world_size=world,
        reference_batch=reference,
        reference_lr=lr,
    )
    linear = TrainingPlan(**common)  # type: ignore[arg-type]
    root = TrainingPlan(**common, rule="sqrt")  # type: ignore[arg-type]
    same = TrainingPlan(**common, rule="none")  # type: ignore[arg-type]
    assert linear.peak_lr == pytest.approx(lr * g / reference, rel=1e-12)
    assert root.peak_lr == pytest.approx(lr * (g / reference) ** 0.5, rel=1e-12)
    assert same.peak_lr == lr
    assert scale_lr(lr, reference, g) == pytest.approx(linear.peak_lr, rel=1e-15)
    assert scale_lr(lr, reference, g, "sqrt") == pytest.approx(root.peak_lr, rel=1e-15)
    # at the reference batch nothing changes
    assert scale_lr(lr, g, g) == lr


def test_scaling_a_schedule_keeps_its_shape_and_scales_every_value() -> None:
    plan = TrainingPlan(dataset_size=1000, batch_size=32, epochs=1, reference_batch=8)
    base = lrdecay.warmup(lrdecay.Cosine(0.1, 100, end_value=0.01), 10)
    scaled = plan.scale(base)
    for k in range(0, 120, 7):
        assert scaled(k) == pytest.approx(4 * base(k), rel=1e-14)


def test_the_warmup_keeps_its_examples_or_its_updates_or_its_epochs() -> None:
    common = dict(dataset_size=12_800, batch_size=64, world_size=4, epochs=10, reference_batch=64)
    # 4x the reference batch: the same 1000 updates' worth of examples is 250 updates
    assert TrainingPlan(**common, reference_warmup=1000).warmup_steps == 250  # type: ignore[arg-type]
    assert (
        TrainingPlan(**common, reference_warmup=lrdecay.steps(1000)).warmup_steps  # type: ignore[arg-type]
        == 250
    )
    assert (
        TrainingPlan(**common, reference_warmup=1000, warmup_rule="steps").warmup_steps  # type: ignore[arg-type]
        == 1000
    )
    # 2 epochs of 12,800 examples at a global batch of 256: 50 updates an epoch
    assert (
        TrainingPlan(**common, reference_warmup=lrdecay.epochs(2)).warmup_steps  # type: ignore[arg-type]
        == 100
    )


def test_check_is_silent_when_the_horizons_agree() -> None:
    plan = TrainingPlan(dataset_size=1000, batch_size=10, epochs=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plan.check(300) is True
        assert plan.check(lrdecay.Cosine(0.1, 300)) is True


def test_check_warns_with_the_derivation_when_the_schedule_is_too_short() -> None:
    # the classic: the schedule built for the per-process horizon of a 4-process run
    plan = TrainingPlan(dataset_size=1000, batch_size=10, epochs=3, world_size=4)
    assert plan.total_updates == 75
    with pytest.warns(HorizonWarning, match=r"ends after 300 updates, but the run makes 75"):
        assert plan.check(lrdecay.Cosine(0.1, 300)) is False
    with pytest.warns(HorizonWarning, match=r"last 25 updates \(33%"):
        plan.check(50)
    with pytest.warns(HorizonWarning, match="global batch 40"):
        plan.check(76)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(batch_size=8), ValueError, "give epochs or max_steps, got neither"),
        (dict(batch_size=0, epochs=1), ValueError, "batch_size"),
        (dict(batch_size=8.0, epochs=1), TypeError, r"batch_size must be an integer, got 8\.0"),
        (dict(batch_size=8, epochs=-1), ValueError, "epochs must be > 0, got -1"),
        (dict(batch_size=8, epochs=1, rule="cubic"), ValueError, "rule must be one of"),
        (dict(batch_size=8, epochs=1, reference_lr=0.1), ValueError, "needs the reference_batch"),
        (dict(batch_size=8, epochs=1, reference_warmup=10), ValueError, "reference_batch"),
        (dict(batch_size=8, epochs=1, reference_warmup=-1), ValueError, "reference_warmup"),
        (
            dict(batch_size=8, epochs=1, reference_warmup=lrdecay.fraction(0.1)),
            ValueError,
            "fraction",
        ),
        (dict(batch_size=8, epochs=1, partial_window="keep"), ValueError, "partial_window"),
        (dict(batch_size=8, epochs=1, drop_last=1), TypeError, "drop_last must be a bool"),
        (dict(batch_size=8, epochs=1, world_size=0), ValueError, "world_size"),
        (
            dict(batch_size=200, epochs=1, drop_last=True),
            ValueError,
            "makes no update",
        ),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        TrainingPlan(dataset_size=100, **kwargs)  # type: ignore[arg-type]


def test_bad_scale_lr_input_is_named() -> None:
    with pytest.raises(ValueError, match="rule must be one of 'linear', 'sqrt', 'none', got 'x'"):
        scale_lr(0.1, 256, 512, "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reference_batch"):
        scale_lr(0.1, 0, 512)
    with pytest.raises(ValueError, match="peak_lr needs reference_lr"):
        _ = TrainingPlan(dataset_size=10, batch_size=1, epochs=1).peak_lr
    with pytest.raises(ValueError, match="no horizon"):
        TrainingPlan(dataset_size=10, batch_size=1, epochs=1).check(lrdecay.Constant(0.1))
