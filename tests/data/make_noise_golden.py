"""Write ``noise_golden.json``: GaussianNoise's numbers from an independent Threefry-2x32.

The 32-bit words come from jax's own Threefry-2x32 (``jax.extend.random.threefry_2x32``, the
generator behind ``jax.random``), not from lrdecay; the normal numbers from those words by
Box–Muller in 50-digit ``mpmath``. Run it with jax installed to regenerate the file::

    python tests/data/make_noise_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

import jax.numpy as jnp
import mpmath
from jax.extend.random import threefry_2x32

mpmath.mp.dps = 50

SEEDS = [0, 1, 7, 2**32 - 1, 2**32, 2**40 + 11, 2**64 - 1]
STEPS = [0, 1, 2, 3, 10, 999, 2**24 + 1, 2**31 - 1, 2**32, 2**32 + 5, 10**12, 2**53]


def words(seed: int, step: int) -> tuple[int, int]:
    key = jnp.array([seed & 0xFFFFFFFF, seed >> 32], dtype=jnp.uint32)
    count = jnp.array([step & 0xFFFFFFFF, step >> 32], dtype=jnp.uint32)
    out = threefry_2x32(key, count)
    return int(out[0]), int(out[1])


def normal(w0: int, w1: int) -> float:
    u1 = mpmath.mpf(w0 + 1) / 2**32
    u2 = mpmath.mpf(w1) / 2**32
    return float(mpmath.sqrt(-2 * mpmath.log(u1)) * mpmath.cos(2 * mpmath.pi * u2))


def main() -> None:
    records = []
    for seed in SEEDS:
        for step in STEPS:
            w0, w1 = words(seed, step)
            records.append(
                {"seed": seed, "step": step, "words": [w0, w1], "normal": normal(w0, w1)}
            )
    path = Path(__file__).with_name("noise_golden.json")
    path.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} records to {path}")


if __name__ == "__main__":
    main()
