"""lrdecay.viz.tensorboard: event files identical to TensorBoard's own, read back by TensorBoard."""

from __future__ import annotations

import math
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdecay.viz.tensorboard import write_scalars

event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")
record_writer = pytest.importorskip("tensorboard.summary.writer.record_writer")
stub = pytest.importorskip("tensorboard.compat.tensorflow_stub.pywrap_tensorflow")

WALL = 1_700_000_000.25


# --------------------------------------------------------------------------- helpers
def read_events(path: Path) -> list[Any]:
    """Parse a TFRecord file, checking every CRC with TensorBoard's (pure Python) CRC32C."""
    data = path.read_bytes()
    events, pos = [], 0
    while pos < len(data):
        header = data[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8 : pos + 12])
        assert header_crc == stub.masked_crc32c(header)
        payload = data[pos + 12 : pos + 12 + length]
        (payload_crc,) = struct.unpack("<I", data[pos + 12 + length : pos + 16 + length])
        assert payload_crc == stub.masked_crc32c(payload)
        events.append(event_pb2.Event.FromString(payload))
        pos += 16 + length
    assert pos == len(data)
    return events


@pytest.fixture(scope="module")
def accumulator() -> Any:
    module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

    def load(logdir: Path) -> Any:
        acc = module.EventAccumulator(str(logdir), size_guidance={module.SCALARS: 0})
        acc.Reload()
        return acc

    return load


# --------------------------------------------------------------------------- round trip
STEPS_AT_VARINT_EDGES = [0, 1, 127, 128, 16_383, 16_384, 2**21, 2**35, 2**56, 2**63 - 1]


@given(
    steps=st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=30, unique=True),
    seed=st.integers(0, 2**32 - 1),
    wall_time=st.floats(0, 4e9, allow_nan=False),
)
@settings(max_examples=40, deadline=None)
def test_any_steps_and_values_round_trip(
    tmp_path_factory: pytest.TempPathFactory, steps: list[int], seed: int, wall_time: float
) -> None:
    values = np.random.default_rng(seed).standard_normal(len(steps)) * 10.0 ** (seed % 9 - 4)
    logdir = tmp_path_factory.mktemp("run")
    path = write_scalars(logdir, {"tag": (steps, values)}, wall_time=wall_time)
    header, *events = read_events(path)
    assert header.file_version == "brain.Event:2"
    expected = sorted(zip(steps, values.astype(np.float32).tolist(), strict=True))
    got = [(e.step, e.summary.value[0].simple_value) for e in events]
    assert got == expected
    assert all(e.wall_time == wall_time for e in events)


def test_steps_at_varint_edges(tmp_path: Path) -> None:
    tags = ["learning_rate", "x" * 200, "é/ü 学习率"]
    values = {tag: np.arange(len(STEPS_AT_VARINT_EDGES)) * (i + 1.0) for i, tag in enumerate(tags)}
    path = write_scalars(tmp_path, {t: (STEPS_AT_VARINT_EDGES, values[t]) for t in tags})
    _, *events = read_events(path)
    assert [e.step for e in events] == STEPS_AT_VARINT_EDGES
    for i, event in enumerate(events):
        assert [(v.tag, v.simple_value) for v in event.summary.value] == [
            (t, float(values[t][i])) for t in tags
        ]


# --------------------------------------------------------------------------- structure
def test_tags_sharing_steps_share_events_in_mapping_order(tmp_path: Path) -> None:
    steps = np.arange(0, 50, 10)
    path = write_scalars(tmp_path, {"b": (steps, steps * 1.0), "a": (steps, steps * 2.0)})
    events = read_events(path)
    assert events[0].file_version == "brain.Event:2"
    assert [e.step for e in events[1:]] == steps.tolist()
    for event, step in zip(events[1:], steps, strict=True):
        assert [(v.tag, v.simple_value) for v in event.summary.value] == [
            ("b", step * 1.0),
            ("a", step * 2.0),
        ]


def test_tags_with_different_steps_are_interleaved_in_step_order(tmp_path: Path) -> None:
    path = write_scalars(
        tmp_path,
        {
            "every 3": ([0, 3, 6, 9], [0.0, 3.0, 6.0, 9.0]),
            "every 2": ([8, 0, 4, 2, 6], [8, 0, 4, 2, 6]),
        },
    )
    events = read_events(path)[1:]
    assert [e.step for e in events] == [0, 2, 3, 4, 6, 8, 9]
    got = {e.step: [(v.tag, v.simple_value) for v in e.summary.value] for e in events}
    # Tags logged at the same step share one event, in the mapping's order.
    assert got[0] == [("every 3", 0.0), ("every 2", 0.0)]
    assert got[6] == [("every 3", 6.0), ("every 2", 6.0)]
    assert got[3] == [("every 3", 3.0)]
    assert got[8] == [("every 2", 8.0)]


def test_unsorted_steps_are_written_sorted(tmp_path: Path) -> None:
    path = write_scalars(tmp_path, {"lr": ([30, 10, 20, 0], [3.0, 1.0, 2.0, 0.0])})
    events = read_events(path)[1:]
    assert [(e.step, e.summary.value[0].simple_value) for e in events] == [
        (0, 0.0),
        (10, 1.0),
        (20, 2.0),
        (30, 3.0),
    ]


def test_every_call_writes_a_new_file(tmp_path: Path) -> None:
    first = write_scalars(tmp_path, {"lr": ([0], [1.0])}, wall_time=WALL)
    second = write_scalars(tmp_path, {"lr": ([1], [2.0])}, wall_time=WALL)
    assert first != second
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])
    assert first.name.startswith(f"events.out.tfevents.{int(WALL):010d}.")


def test_empty_mapping_writes_only_the_file_version_event(tmp_path: Path) -> None:
    events = read_events(write_scalars(tmp_path / "new" / "run", {}))
    assert len(events) == 1 and events[0].file_version == "brain.Event:2"


def test_filename_suffix(tmp_path: Path) -> None:
    assert write_scalars(tmp_path, {"a": ([0], [0.0])}, filename_suffix=".v2").name.endswith(".v2")


# --------------------------------------------------------------------------- read back
@pytest.mark.slow  # TensorBoard's reader imports TensorFlow when it is installed (seconds)
def test_tensorboard_reads_back_every_value(tmp_path: Path, accumulator: Any) -> None:
    steps = np.arange(0, 20_000, 10)
    curves = {
        "cosine": 0.01 * 0.5 * (1 + np.cos(np.pi * np.minimum(steps, 10_000) / 10_000)),
        "exponential": 0.01 * 0.98 ** (steps / 2000),
        "special values": np.where(steps % 30 == 0, -1e30, 1e-40),
    }
    write_scalars(tmp_path, {tag: (steps, v) for tag, v in curves.items()})
    acc = accumulator(tmp_path)
    assert sorted(acc.Tags()["scalars"]) == sorted(curves)
    for tag, values in curves.items():
        scalars = acc.Scalars(tag)
        assert [s.step for s in scalars] == steps.tolist()
        got = np.array([s.value for s in scalars], dtype=np.float32)
        np.testing.assert_array_equal(got, values.astype(np.float32))


def test_nan_and_infinity_survive(tmp_path: Path) -> None:
    path = write_scalars(tmp_path, {"x": ([0, 1, 2], [math.nan, math.inf, -math.inf])})
    values = [e.summary.value[0].simple_value for e in read_events(path)[1:]]
    assert math.isnan(values[0]) and values[1:] == [math.inf, -math.inf]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("scalars", "error", "match"),
    [
        ([("lr", ([0], [1.0]))], TypeError, "mapping"),
        ({"": ([0], [1.0])}, ValueError, "non-empty string"),
        ({3: ([0], [1.0])}, ValueError, "non-empty string"),
        ({"lr": [0, 1, 2]}, TypeError, r"\(steps, values\)"),
        ({"lr": 0.1}, TypeError, r"\(steps, values\)"),
        ({"lr": ([0, 1], [1.0])}, ValueError, "2 steps but values of shape"),
        ({"lr": ([-1], [1.0])}, ValueError, ">= 0"),
        ({"lr": ([0.5], [1.0])}, ValueError, "integers"),
        ({"lr": (["a"], [1.0])}, TypeError, "integers"),
        ({"lr": ([[0, 1]], [[1.0, 2.0]])}, ValueError, "1-D"),
        ({"lr": ([0], ["high"])}, TypeError, "real numbers"),
        ({"lr": ([2**63], [1.0])}, ValueError, "2\\*\\*63"),
        ({"lr": ([2.0**63], [1.0])}, ValueError, "2\\*\\*63"),
    ],
)
def test_bad_scalars_are_rejected(
    tmp_path: Path, scalars: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        write_scalars(tmp_path / "run", scalars)
    assert not (tmp_path / "run").exists()


def test_logdir_that_is_a_file_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        write_scalars(file, {"lr": ([0], [1.0])})


@pytest.mark.parametrize("wall_time", [-1.0, math.nan, math.inf, "now"])
def test_bad_wall_time(tmp_path: Path, wall_time: Any) -> None:
    with pytest.raises(ValueError, match="wall_time"):
        write_scalars(tmp_path, {"lr": ([0], [1.0])}, wall_time=wall_time)


def test_bad_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="filename_suffix"):
        write_scalars(tmp_path, {"lr": ([0], [1.0])}, filename_suffix="/../x")


# --------------------------------------------------------------------------- cost
def test_no_tensorflow_is_imported(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from lrdecay.viz.tensorboard import write_scalars\n"
        f"write_scalars({str(tmp_path)!r}, {{'lr': ([0, 10], [0.1, 0.2])}})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'torch', 'matplotlib')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
