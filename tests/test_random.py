"""The counter-based generator of GaussianNoise: Threefry-2x32-20, checked against independent ones.

* Random123's published known-answer vectors for Threefry-2x32 with 20 rounds;
* jax's own Threefry-2x32 (``jax.extend.random.threefry_2x32``) on random keys and counters;
* ``tests/data/noise_golden.json``: words from jax's generator and normal numbers from them by
  50-digit Box–Muller (``tests/data/make_noise_golden.py``), committed so that a machine without
  jax checks the same numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from frameworks import require

from lrdecay import GaussianNoise
from lrdecay._random import threefry2x32
from lrdecay._xp import SCALAR

GOLDEN = json.loads(
    (Path(__file__).resolve().parent / "data" / "noise_golden.json").read_text(encoding="utf-8")
)

# Random123 1.09, kat_vectors: "threefry2x32 20 <ctr> <key> <expected>".
KNOWN_ANSWERS = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize(("counter", "key", "expected"), KNOWN_ANSWERS)
def test_known_answers_in_uint32_and_in_wide_words(
    counter: tuple[int, int], key: tuple[int, int], expected: tuple[int, int]
) -> None:
    x0, x1 = (np.array([c], dtype=np.uint32) for c in counter)
    w0, w1 = threefry2x32(np, key, x0, x1, wide=False)
    assert (int(w0[0]), int(w1[0])) == expected
    assert w0.dtype == np.uint32
    assert threefry2x32(SCALAR, key, counter[0], counter[1], wide=True) == expected
    y0, y1 = (np.array([c], dtype=np.int64) for c in counter)
    v0, v1 = threefry2x32(np, key, y0, y1, wide=True)
    assert (int(v0[0]), int(v1[0])) == expected


@pytest.mark.parametrize("record", GOLDEN, ids=[f"{r['seed']}-{r['step']}" for r in GOLDEN])
def test_golden_noise(record: dict[str, Any]) -> None:
    seed, step = record["seed"], record["step"]
    key = (seed & 0xFFFFFFFF, seed >> 32)
    counter = (step & 0xFFFFFFFF, step >> 32)
    assert list(threefry2x32(SCALAR, key, *counter, wide=True)) == record["words"]
    noise = GaussianNoise(std=1.0, seed=seed)
    expected = record["normal"]
    assert noise(step) == pytest.approx(expected, rel=1e-13, abs=1e-15)
    assert noise(np.array([step]))[0] == pytest.approx(expected, rel=1e-13, abs=1e-15)
    # float32: within a few float32 ulps of the noise's scale (its std, 1 here)
    assert noise(np.array([step]), dtype="float32")[0] == pytest.approx(expected, abs=1e-6)


JAX_CHECK = """
import sys
import numpy as np
import jax.numpy as jnp
from jax.extend.random import threefry_2x32
from lrdecay._random import threefry2x32

rng = np.random.default_rng(20261202)
for _ in range(20):
    key = tuple(int(k) for k in rng.integers(0, 2**32, size=2))
    low, high = (rng.integers(0, 2**32, size=64, dtype=np.uint64).astype(np.uint32) for _ in "ab")
    counter = jnp.concatenate([low, high])
    theirs = np.asarray(threefry_2x32(jnp.asarray(key, dtype=jnp.uint32), counter))
    w0, w1 = threefry2x32(np, key, low, high, wide=False)
    np.testing.assert_array_equal(np.concatenate([w0, w1]), theirs)
print("ok")
"""


def test_matches_jax_threefry_on_random_keys_and_counters() -> None:
    """(In a child process: jax's threads must not meet the forks of other tests.)"""
    require("jax")
    done = subprocess.run(
        [sys.executable, "-c", JAX_CHECK], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_noise_is_standard_normal() -> None:
    z = GaussianNoise(std=1.0, seed=12345)(np.arange(200_000))
    assert abs(z.mean()) < 0.01
    assert abs(z.std() - 1) < 0.01
    assert np.abs(z).max() <= 6.67  # Box–Muller from 32-bit uniforms: |z| <= sqrt(64 ln 2)
    # the fraction within one standard deviation
    assert abs(np.mean(np.abs(z) < 1) - 0.6827) < 0.005


@pytest.mark.parametrize("record", GOLDEN, ids=[f"{r['seed']}-{r['step']}" for r in GOLDEN])
def test_every_word_layout_gives_the_same_noise(record: dict[str, Any]) -> None:
    """The paths tensors take, run on NumPy: 64-bit steps in 32-bit words or in wide (int64)
    words, and 32-bit steps (int32 tensors) when the step fits, in float64 and float32."""
    from lrdecay._random import normal

    seed, step, expected = record["seed"], record["step"], record["normal"]
    layouts = [(np.int64, 64, False), (np.int64, 64, True)]
    if step < 2**31:
        layouts += [(np.int32, 32, False), (np.int32, 32, True)]
    for int_type, bits, wide in layouts:
        steps = np.array([step], dtype=int_type)
        got = normal(np, seed, steps, step_bits=bits, wide=wide, dtype=np.float64)
        assert float(got[0]) == pytest.approx(expected, rel=1e-13, abs=1e-15), (bits, wide)
        got32 = normal(np, seed, steps, step_bits=bits, wide=wide, dtype=np.float32)
        assert got32.dtype == np.float32
        assert float(got32[0]) == pytest.approx(expected, abs=4e-6), (bits, wide)
