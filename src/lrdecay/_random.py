"""Counter-based random numbers: Threefry-2x32 on 32-bit words, the same in every array library.

:class:`~lrdecay.GaussianNoise` needs a standard-normal number that is a pure function of
``(seed, step)``: the same on NumPy, torch, jax (also with 64-bit types off) and TensorFlow, in any
order of evaluation and after a resume. It uses **Threefry-2x32 with 20 rounds** (Salmon et al.,
"Parallel random numbers: as easy as 1, 2, 3", SC 2011, the generator behind ``jax.random``):

* the key is the seed's two 32-bit halves, ``(seed mod 2**32, seed // 2**32)``;
* the counter is the step's two 32-bit halves, ``(step mod 2**32, step // 2**32)``;
* the two output words ``w0, w1`` become uniforms ``u1 = (w0 + 1) / 2**32`` in ``(0, 1]`` and
  ``u2 = w1 / 2**32`` in ``[0, 1)``, and a normal number by Box–Muller,
  ``sqrt(-2 log u1) cos(2 pi u2)`` (so ``|z| <= 6.66``), with ``log u1`` taken as
  ``log1p(-(2**32 - 1 - w0) / 2**32)`` where ``u1 >= 1/2``, so that ``float32`` keeps the relative
  precision of small numbers.

Threefry is written once against the array namespace. Libraries with wrapping ``uint32``
arithmetic (NumPy, jax) hold the words as ``uint32``; the others (torch, TensorFlow, Python ints)
hold them in wider integers and mask each sum to 32 bits. The words are identical either way; the
normal number then differs between libraries only by floating-point rounding.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["normal", "threefry2x32"]

_MASK = 0xFFFFFFFF
_PARITY = 0x1BD11BDA
_ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)


def threefry2x32(xp: Any, key: tuple[int, int], x0: Any, x1: Any, *, wide: bool) -> tuple[Any, Any]:
    """Threefry-2x32-20 of the counter words ``(x0, x1)`` under ``key`` (two Python ints).

    ``wide``: the words are held in a wider integer type (``int64`` or Python ``int``), so every sum
    is masked to 32 bits; otherwise they are ``uint32`` arrays, whose arithmetic wraps by itself.
    """

    def const(c: int) -> Any:  # (jax reads a bare Python int above 2**31 - 1 as an overflow)
        return c if wide else np.uint32(c)

    def add(a: Any, b: Any) -> Any:
        if isinstance(b, int):
            b = const(b)
        return xp.bitwise_and(a + b, _MASK) if wide else a + b

    def rotate(v: Any, r: int) -> Any:
        left = xp.bitwise_left_shift(v, r)
        if wide:
            left = xp.bitwise_and(left, _MASK)
        return xp.bitwise_or(left, xp.bitwise_right_shift(v, 32 - r))

    ks = (key[0], key[1], key[0] ^ key[1] ^ _PARITY)
    x0, x1 = add(x0, ks[0]), add(x1, ks[1])
    for group in range(5):
        for r in _ROTATIONS[4 * (group % 2) : 4 * (group % 2) + 4]:
            x0 = add(x0, x1)
            x1 = xp.bitwise_xor(rotate(x1, r), x0)
        x0 = add(x0, ks[(group + 1) % 3])
        x1 = add(x1, (ks[(group + 2) % 3] + group + 1) & _MASK)
    return x0, x1


def normal(xp: Any, seed: int, step: Any, *, step_bits: int, wide: bool, dtype: Any) -> Any:
    """Standard-normal numbers, a pure function of ``(seed, step)``.

    ``step`` is a non-negative integer array (or Python int) of ``step_bits`` (32 or 64) bits;
    ``wide`` as in :func:`threefry2x32`; ``dtype`` the floating-point dtype of the result.
    """
    key = (seed & _MASK, (seed >> 32) & _MASK)
    if wide:
        step = xp.astype(step, xp.int64)
        low = xp.bitwise_and(step, _MASK)
        high = xp.bitwise_right_shift(step, 32) if step_bits > 32 else step * 0
    else:
        word = xp.uint32
        low = xp.astype(xp.bitwise_and(step, _MASK) if step_bits > 32 else step, word)
        high = xp.astype(xp.bitwise_right_shift(step, 32), word) if step_bits > 32 else low * 0
    w0, w1 = threefry2x32(xp, key, low, high, wide=wide)
    scale = 2.0**-32
    # log(u1) for u1 = (w0 + 1) / 2**32, accurate in float32 too: near 1 it is log1p(-d) with
    # d = 1 - u1 = (2**32 - 1 - w0) / 2**32 exact, so small |z| keep their relative precision.
    u1 = (xp.astype(w0, dtype) + 1.0) * scale
    d = xp.astype(xp.bitwise_xor(w0, _MASK if wide else np.uint32(_MASK)), dtype) * scale
    log_u1 = xp.where(u1 < 0.5, xp.log(u1), xp.log1p(-xp.minimum(d, 0.5)))
    u2 = xp.astype(w1, dtype) * scale
    return xp.sqrt(-2.0 * log_u1) * xp.cos((2.0 * math.pi) * u2)
