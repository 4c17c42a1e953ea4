"""lrdecay.viz.tensorboard.write_tensorboard: schedules to runs, read back by TensorBoard."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdecay
from lrdecay.viz.tensorboard import MAX_POINTS, run_names, write_tensorboard

pytest.importorskip("tensorboard")

WARM_COSINE = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
STEP_DECAY = lrdecay.step_decay(0.1, decay_steps=300, decay_rate=0.5)
WALL = 1_700_000_000.0


@pytest.fixture(scope="module")
def accumulator() -> Any:
    module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

    def load(run: Path) -> Any:
        acc = module.EventAccumulator(str(run), size_guidance={module.SCALARS: 0, module.IMAGES: 0})
        acc.Reload()
        return acc

    return load


@pytest.mark.slow  # TensorBoard's reader imports TensorFlow when it is installed (seconds)
def test_every_value_reads_back(tmp_path: Path, accumulator: Any) -> None:
    Image = pytest.importorskip("PIL.Image")
    pytest.importorskip("matplotlib")
    schedules = {"warm-up + cosine": WARM_COSINE, "step decay": STEP_DECAY}
    paths = write_tensorboard(schedules, tmp_path, wall_time=WALL)
    assert [p.parent for p in paths] == [tmp_path / "warm-up_+_cosine", tmp_path / "step_decay"]
    for path, schedule in zip(paths, schedules.values(), strict=True):
        acc = accumulator(path.parent)
        assert acc.Tags()["scalars"] == ["learning_rate"]
        scalars = acc.Scalars("learning_rate")
        # Default: every 10 steps from 0 to 10% past the furthest horizon (1,000 steps).
        assert [s.step for s in scalars] == list(range(0, 1101, 10))
        assert {s.wall_time for s in scalars} == {WALL}
        expected = np.array([float(schedule(s.step)) for s in scalars], dtype=np.float32)
        got = np.array([s.value for s in scalars], dtype=np.float32)
        np.testing.assert_array_equal(got, expected)  # TensorBoard stores float32
        [image] = acc.Images("learning_rate/figure")
        assert image.step == 0 and (image.width, image.height) == (800, 450)
        with Image.open(io.BytesIO(image.encoded_image_string)) as picture:
            assert picture.size == (800, 450)
            pixels = np.asarray(picture.convert("RGB"))
        assert (pixels != 255).any(axis=2).mean() > 0.02  # axes, labels and the curve


@pytest.mark.slow
def test_steps_every_tag_and_no_figure(tmp_path: Path, accumulator: Any) -> None:
    [path] = write_tensorboard(
        {"c": WARM_COSINE}, tmp_path, steps=1000, every=7, figure=False, tag="lr"
    )
    acc = accumulator(path.parent)
    assert acc.Tags()["scalars"] == ["lr"] and acc.Tags()["images"] == []
    scalars = acc.Scalars("lr")
    assert [s.step for s in scalars] == list(range(0, 1000, 7))
    np.testing.assert_allclose(
        [s.value for s in scalars], [float(WARM_COSINE(s.step)) for s in scalars], rtol=2**-24
    )


def test_rerun_replaces_the_runs_event_file(tmp_path: Path) -> None:
    first = write_tensorboard({"a": STEP_DECAY}, tmp_path, figure=False)
    second = write_tensorboard({"a": STEP_DECAY}, tmp_path, figure=False)
    assert first != second
    assert list((tmp_path / "a").iterdir()) == second


def test_run_names() -> None:
    assert run_names(["a/b", "a_b", "A_B", "..", "", "<script>"]) == [
        "a_b",
        "a_b-2",
        "A_B-3",
        "run",
        "run-2",
        "_script_",
    ]


@pytest.mark.parametrize(
    ("schedules", "kwargs", "error", "match"),
    [
        ({}, {}, ValueError, "non-empty mapping"),
        ({"a": 0.1}, {}, TypeError, "must be a Schedule"),
        ({"a": STEP_DECAY}, {"every": 0}, ValueError, "every"),
        ({"a": STEP_DECAY}, {"steps": 0}, ValueError, "steps"),
        ({"a": STEP_DECAY}, {"steps": 1.5}, TypeError, "steps"),
        ({"a": STEP_DECAY}, {"tag": ""}, ValueError, "tag"),
        ({"a": STEP_DECAY}, {"steps": MAX_POINTS * 10 + 1, "every": 10}, ValueError, "every"),
    ],
)
def test_bad_arguments(
    tmp_path: Path, schedules: Any, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        write_tensorboard(schedules, tmp_path / "logs", **kwargs)
    assert not (tmp_path / "logs").exists()


def test_logdir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError):
        write_tensorboard({"a": STEP_DECAY}, tmp_path / "f")


def test_bad_images_are_rejected(tmp_path: Path) -> None:
    from lrdecay.viz.tensorboard import write_scalars

    with pytest.raises(ValueError, match="PNG"):
        write_scalars(tmp_path, {}, images={"img": (0, b"not a png")})
    with pytest.raises(ValueError, match="step"):
        write_scalars(tmp_path, {}, images={"img": (-1, b"")})
    with pytest.raises(TypeError, match="pair"):
        write_scalars(tmp_path, {}, images={"img": b""})  # type: ignore[dict-item]
