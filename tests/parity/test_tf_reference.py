"""The TensorFlow reference worker runs TF as the survey did: it reproduces ``tf_golden_seed.json``.

These tests check the reference side of the parity tests, not ``lrdecay``: the worker
(``tf_reference.py``, through ``tfworker.TFWorker``) must give TensorFlow 2.21's recorded values
for every parameter set of the seed, evaluate ``tf.map_fn`` batches exactly like the seed's
one-step-per-``sess.run`` loop, and survive requests that TensorFlow rejects.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from frameworks import REQUIRED, unavailable
from tfworker import TFError, TFWorker

pytestmark = pytest.mark.slow

#: Golden data: TensorFlow's own values for the survey's parameters, in the repository.
DATA = Path(__file__).resolve().with_name("data")
GOLDEN_PATH = DATA / "tf_golden_seed.json"
GOLDEN_EAGER_PATH = DATA / "tf_golden_seed_eager.json"

#: Allowed difference from the golden values, relative to the record's largest |value|.
RELATIVE_TOLERANCE = 1e-6


def _load_golden(path: Path) -> list[dict[str, Any]]:
    """The golden records, or an empty list when the file is absent."""
    if not path.is_file():
        return []
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records


GOLDEN = _load_golden(GOLDEN_PATH)
GOLDEN_EAGER = _load_golden(GOLDEN_EAGER_PATH)


def test_golden_data_is_present() -> None:
    """The reference values live in the repository: a clone alone runs the parity tests."""
    for path in (GOLDEN_PATH, GOLDEN_EAGER_PATH):
        if not path.is_file():
            unavailable(f"reference data missing: {path}")
    assert len(GOLDEN) == len(GOLDEN_EAGER) == 23


def needs_golden(test: Any) -> Any:
    return pytest.mark.skipif(
        not GOLDEN and not REQUIRED, reason=f"golden data not found at {GOLDEN_PATH}"
    )(test)


#: Steps that stress int64 -> float32/int32 conversions and schedule edges.
EDGE_STEPS = [
    -2000,
    -1,
    0,
    1,
    2,
    1999,
    2000,
    2001,
    9999,
    10000,
    10001,
    2**24 - 1,
    2**24,
    2**24 + 1,
    2**31 - 1,
    2**31,
    2**31 + 1,
    2**32 - 1,
    2**32,
    2**32 + 2000,
    2**40 - 1,
    2**40,
]


def _scale(values: list[float]) -> float:
    """Tolerance scale of a record: its largest |value| (the initial rate for decays)."""
    return max(abs(v) for v in values)


def _same(a: list[float], b: list[float]) -> bool:
    """Bit-for-bit equality of two float lists, NaN equal to NaN."""
    return len(a) == len(b) and all(
        x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True)
    )


@needs_golden
@pytest.mark.parametrize("record", GOLDEN, ids=[r["id"] for r in GOLDEN])
def test_reproduces_golden_record(tf_worker: TFWorker, record: dict[str, Any]) -> None:
    """Each schedule built alone in its graph gives the golden values within 1e-6 x the rate."""
    values = tf_worker.evaluate(record["schedule"], record["params"], record["steps"])
    expected = record["values"]
    assert len(values) == len(expected)
    tolerance = RELATIVE_TOLERANCE * _scale(expected)
    errors = [abs(v - e) for v, e in zip(values, expected, strict=True)]
    worst = max(range(len(errors)), key=errors.__getitem__)
    assert errors[worst] <= tolerance, (
        f"step {record['steps'][worst]}: TF worker {values[worst]!r}, golden {expected[worst]!r}"
    )


@needs_golden
def test_reproduces_golden_bit_for_bit_in_one_graph(tf_worker: TFWorker) -> None:
    """All golden schedules built together in one graph give the golden values exactly.

    The golden file was made with every schedule in one graph; Grappler merges their common
    subexpressions, which changes some float32 results (cosine_decay and linear_cosine_decay
    differ by up to a few hundred ulps when built alone), so only this configuration is
    bit-for-bit.
    """
    steps = sorted({s for record in GOLDEN for s in record["steps"]})
    position = {s: i for i, s in enumerate(steps)}
    results = tf_worker.evaluate_many([(r["schedule"], r["params"]) for r in GOLDEN], steps)
    mismatches = {}
    for record, values in zip(GOLDEN, results, strict=True):
        got = [values[position[s]] for s in record["steps"]]
        bad = [i for i, (x, y) in enumerate(zip(got, record["values"], strict=True)) if x != y]
        if bad:
            mismatches[record["id"]] = (len(bad), record["steps"][bad[0]])
    assert not mismatches, f"(count, first step) of inexact values per record: {mismatches}"


@needs_golden
@pytest.mark.parametrize("record", GOLDEN, ids=[r["id"] for r in GOLDEN])
def test_map_fn_matches_per_step_feeding(tf_worker: TFWorker, record: dict[str, Any]) -> None:
    """The batched ``tf.map_fn`` evaluation equals feeding one step per ``sess.run``."""
    steps = sorted(set(EDGE_STEPS) | set(record["steps"][::50]))
    schedule, params = record["schedule"], record["params"]
    mapped = tf_worker.evaluate(schedule, params, steps, method="map_fn")
    fed = tf_worker.evaluate(schedule, params, steps, method="feed")
    assert _same(mapped, fed), [
        (s, m, f) for s, m, f in zip(steps, mapped, fed, strict=True) if not _same([m], [f])
    ][:5]


@needs_golden
@pytest.mark.parametrize("record", GOLDEN_EAGER, ids=[r["id"] for r in GOLDEN_EAGER])
def test_eager_worker_reproduces_golden_eager_record(
    tf_eager_worker: TFWorker, record: dict[str, Any]
) -> None:
    """The eager worker gives TF 2 eager mode's recorded values, bit for bit (no Grappler)."""
    steps = record["steps"][::25]
    values = tf_eager_worker.evaluate(record["schedule"], record["params"], steps)
    assert values == record["values"][::25]


def test_rejected_request_raises_and_worker_keeps_serving(tf_worker: TFWorker) -> None:
    """The original's own ValueError comes back as TFError; the next request is answered."""
    with pytest.raises(TFError, match=r"ValueError: First step cannot be zero\."):
        tf_worker.evaluate(
            "piecewise_with_warmup",
            {"boundaries": [0, 5000], "rates": [0.01, 0.001, 0.0001], "warmup": True},
            [0, 1],
        )
    with pytest.raises(TFError, match="unknown schedule"):
        tf_worker.evaluate("no_such_schedule", {}, [0])
    with pytest.raises(TFError, match="TypeError"):
        tf_worker.evaluate("exponential_decay", {"learning_rate": 0.1, "bogus": 1}, [0])
    # Raised when the graph runs, not when it is built (tf.case's exclusivity assertion).
    with pytest.raises(TFError, match="InvalidArgumentError"):
        tf_worker.evaluate(
            "piecewise_constant", {"boundaries": [10, 5], "values": [1.0, 2.0, 3.0]}, [0, 7]
        )
    values = tf_worker.evaluate(
        "piecewise_constant", {"boundaries": [10], "values": [1.0, 0.5]}, [0, 10, 11]
    )
    assert values == [1.0, 1.0, 0.5]


def test_survey_quirks_are_kept(tf_worker: TFWorker) -> None:
    """The survey's functions keep their quirks: int32 step cast, absolute alpha, float rates."""
    burnin = tf_worker.evaluate(
        "exponential_decay_with_burnin",
        {
            "learning_rate_base": 0.5,
            "learning_rate_decay_steps": 10,
            "learning_rate_decay_factor": 0.5,
            "burnin_learning_rate": 0.25,
            "burnin_steps": 100,
        },
        [99, 100, 2**32 + 50],
    )
    # 2**32 + 50 is cast to int32 -> 50 < burnin_steps: back in the burn-in.
    assert burnin == [0.25, 0.5, 0.25]
    cosine = tf_worker.evaluate(
        "cosine_decay_with_warmup",
        {"learning_rate_base": 0.5, "total_decay_steps": 100, "alpha": 0.25},
        [100, 101],
    )
    # Past total_decay_steps the function returns alpha itself, not alpha * learning_rate_base.
    assert cosine == [0.125, 0.25]
    with pytest.raises(TFError, match="Learning rates must be floats"):
        tf_worker.evaluate("piecewise_with_warmup", {"boundaries": [5], "rates": [1, 0.5]}, [0])


def test_empty_steps(tf_worker: TFWorker) -> None:
    """No steps gives no values (the parameters are still checked)."""
    assert tf_worker.evaluate("cosine_decay", {"learning_rate": 0.1, "decay_steps": 10}, []) == []


def test_noisy_schedule_is_repeatable_with_a_seed(tf_worker: TFWorker) -> None:
    """``noisy_linear_cosine_decay`` with a graph seed gives the same noise on every request."""
    params = {"learning_rate": 0.1, "decay_steps": 100}
    first = tf_worker.evaluate("noisy_linear_cosine_decay", params, range(0, 100, 7), seed=3)
    second = tf_worker.evaluate("noisy_linear_cosine_decay", params, range(0, 100, 7), seed=3)
    assert first == second
