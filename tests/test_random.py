"""The counter-based generator of GaussianNoise: Threefry-2x32-20, checked against independent ones.

* Random123's published known-answer vectors for Threefry-2x32 with 20 rounds;
* jax's own Threefry-2x32 (``jax.extend.random.threefry_2x32``) on random keys and counters;
* ``tests/data/noise_golden.json``: words from jax's generator and normal numbers from them by
  50-digit Box–Muller (``tests/data/make_noise_golden.py``), committed so that a machine without
  jax checks the same numbers.
"""

from __future__ import annotations

import json
import math
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


# --------------------------------------------------------------------------- torch's generator
# TimmNoise reproduces torch's CPU generator (MT19937): its word stream is checked against
# NumPy's MT19937 (legacy seeding is the reference ``init_genrand``), its noise against torch
# itself, in a child process.


@pytest.mark.parametrize("seed", [0, 1, 5489, 2**32 - 1, 123456789])
@pytest.mark.parametrize("count", [1, 100, 227, 228, 700, 1500])
def test_mt19937_words_match_numpy(seed: int, count: int) -> None:
    from lrdecay._random import _mt_outputs, _Words

    reference = np.random.RandomState(seed)._bit_generator.random_raw(count)
    for xp, wide, word in ((np, False, np.uint32), (np, True, np.int64)):
        got = _mt_outputs(_Words(xp, wide), np.array([seed], dtype=word), count)
        assert [int(w[0]) for w in got] == reference.tolist(), (wide, count)
    if count <= 228:
        got = _mt_outputs(_Words(SCALAR, True), seed, count)
        assert got == reference.tolist()


def test_mt19937_reference_first_output() -> None:
    """mt19937ar.c's published first output for the default seed 5489 (init_genrand)."""
    from lrdecay._random import _mt_outputs, _Words

    assert _mt_outputs(_Words(SCALAR, True), 5489, 1) == [3499211612]


TORCH_NOISE = """
import json, sys
import torch

def timm(seed, std, limit, t):
    g = torch.Generator()
    g.manual_seed(seed + t)
    while True:
        noise = torch.randn(1, generator=g).item() * std
        if abs(noise) < limit:
            return noise

cases = json.loads(sys.argv[1])
print(json.dumps([[timm(seed, std, limit, t) for t in range(steps)]
                  for seed, std, limit, steps in cases]))
"""
NOISE_CASES = [
    (42, 1.0, 0.67, 2000),
    (0, 0.5, 0.1, 500),
    (-7, 2.0, 3.0, 500),
    (2**40 + 3, 1.0, 0.05, 300),
    (2**32 - 10, 1.0, 10.0, 100),  # seed + t wraps past 2**32
    (11, 0.0, 0.5, 20),
]


@pytest.fixture(scope="module")
def torch_noise() -> list[list[float]]:
    require("torch")
    done = subprocess.run(
        [sys.executable, "-c", TORCH_NOISE, json.dumps(NOISE_CASES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("index", range(len(NOISE_CASES)))
def test_timm_noise_is_torchs_draw_for_draw(index: int, torch_noise: list[list[float]]) -> None:
    from lrdecay import TimmNoise

    seed, std, limit, steps = NOISE_CASES[index]
    expected = np.asarray(torch_noise[index])
    noise = TimmNoise(seed=seed, std=std, limit=limit)
    k = np.arange(steps)
    # double precision: torch's float32 draws; NumPy's SIMD log/cos and libm may differ by an
    # ulp of a double, which can move a draw by at most one float32 ulp (times std)
    one_ulp = 2.0**-23 * np.abs(expected) + 1e-300
    assert (np.abs(noise(k) - expected) <= one_ulp).all()
    assert (np.abs(noise(k.astype(np.int32)) - expected) <= one_ulp).all()
    assert (
        np.abs(np.array([noise(int(t)) for t in range(20)]) - expected[:20]) <= one_ulp[:20]
    ).all()
    # float32: within float32 rounding (a draw that close to the limit may be kept differently)
    got32 = noise(k, dtype="float32")
    close = np.abs(got32 - expected) <= 4 * 2.0**-24 * max(abs(std), 1e-30) * 4
    assert close.mean() > 0.999, np.flatnonzero(~close)[:5]


def test_timm_noise_draws_fail_together_rarely() -> None:
    """The draws are bounded so that all of them fail the limit with probability < 2**-64."""
    from lrdecay._random import torch_draws

    for std, limit in ((1.0, 0.67), (1.0, 0.05), (2.0, 0.3), (0.5, 3.0)):
        draws = torch_draws(std, limit)
        assert draws is not None
        miss = 1 - math.erf(limit / (std * math.sqrt(2)))
        assert miss**draws < 2.0**-64 <= miss ** (draws - 1) or draws == 1
    assert torch_draws(0.0, 0.1) == 1
    assert torch_draws(1.0, 0.01) is None  # more than 1,248 draws: refused by TimmNoise
