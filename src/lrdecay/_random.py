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

__all__ = ["normal", "threefry2x32", "torch_draws", "torch_normal_within"]

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


# --------------------------------------------------------------------------- torch's generator
# What ``g = torch.Generator(); g.manual_seed(seed); torch.randn(1, generator=g)`` draws on the
# CPU (timm's scheduler noise), reproduced without torch. torch's CPU generator is MT19937:
#
# * ``manual_seed(s)`` initialises it with the low 32 bits of ``s`` (a negative ``s`` counts as
#   ``2**64 + s``), by the reference ``init_genrand`` recurrence;
# * a double in ``[0, 1)`` takes two words ``a, b`` (``random64() = a << 32 | b``) and keeps the
#   low 53 bits: ``((a mod 2**21) * 2**32 + b) / 2**53``;
# * ``randn`` is Box-Muller on two doubles ``u1, u2``: ``r = sqrt(-2 log1p(-u2))``,
#   ``theta = 2 pi u1``; it returns ``r cos(theta)`` (rounded to the tensor's ``float32``) and
#   keeps ``r sin(theta)`` for the next ``randn`` on the same generator.
#
# All four words of a pair depend only on the first block of 624 outputs when few are needed:
# output ``i < 227`` of the first block needs initial words ``i``, ``i + 1`` and ``i + 397``.

_MT_N, _MT_M = 624, 397
_MT_MULTIPLIER = 1812433253
_MT_MATRIX = 0x9908B0DF
_MT_UPPER, _MT_LOWER = 0x80000000, 0x7FFFFFFF
_MAX_OUTPUTS = 4 * _MT_N
"""Four blocks of MT19937: 624 Box-Muller pairs, 1,248 normal draws per step at most."""


def torch_draws(std: float, limit: float) -> int | None:
    """How many normal draws make ``|z std| < limit`` fail every time with probability below
    ``2**-64`` (timm redraws until one passes), or ``None`` beyond :data:`_MAX_OUTPUTS`."""
    if std == 0:
        return 1
    accept = math.erf(limit / (abs(std) * math.sqrt(2.0)))
    if accept >= 1.0:
        return 1
    if accept <= 0.0:
        return None
    draws = max(1, math.ceil(64 * math.log(2.0) / -math.log1p(-accept)))
    return draws if 2 * draws <= _MAX_OUTPUTS else None


class _Words:
    """32-bit words as ``uint32`` arrays (wrapping arithmetic) or wider integers (masked)."""

    def __init__(self, xp: Any, wide: bool) -> None:
        self.xp, self.wide = xp, wide

    def const(self, c: int) -> Any:
        return c if self.wide else np.uint32(c)

    def mask(self, v: Any) -> Any:
        return self.xp.bitwise_and(v, _MASK) if self.wide else v

    def and_(self, v: Any, c: int) -> Any:
        return self.xp.bitwise_and(v, self.const(c))

    def xor(self, a: Any, b: Any) -> Any:
        return self.xp.bitwise_xor(a, b)

    def right(self, v: Any, r: int) -> Any:
        return self.xp.bitwise_right_shift(v, r)

    def left_and(self, v: Any, r: int, c: int) -> Any:
        return self.and_(self.xp.bitwise_left_shift(v, r), c)


def _initial(w: _Words, seed: Any, last: int) -> list[Any]:
    """``init_genrand``: the initial words ``0 .. last``."""
    state = [seed]
    for j in range(1, last + 1):
        p = state[-1]
        p = w.xor(p, w.right(p, 30))
        state.append(w.mask(p * w.const(_MT_MULTIPLIER) + w.const(j)))
    return state


def _twisted(w: _Words, a: Any, b: Any, c: Any) -> Any:
    """``c ^ twist(a, b)``: one word of the next block."""
    y = w.xp.bitwise_or(w.and_(a, _MT_UPPER), w.and_(b, _MT_LOWER))
    return w.xor(w.xor(c, w.right(y, 1)), w.and_(y, 1) * w.const(_MT_MATRIX))


def _tempered(w: _Words, y: Any) -> Any:
    y = w.xor(y, w.right(y, 11))
    y = w.xor(y, w.left_and(y, 7, 0x9D2C5680))
    y = w.xor(y, w.left_and(y, 15, 0xEFC60000))
    return w.xor(y, w.right(y, 18))


def _mt_outputs(w: _Words, seed: Any, count: int) -> list[Any]:
    """The first ``count`` outputs of MT19937 seeded with the words ``seed``."""
    if count <= _MT_N - _MT_M:  # only the first part of the first block: a partial state
        state = _initial(w, seed, count - 1 + _MT_M)
        return [
            _tempered(w, _twisted(w, state[i], state[i + 1], state[i + _MT_M]))
            for i in range(count)
        ]
    state = _initial(w, seed, _MT_N - 1)
    out: list[Any] = []
    while len(out) < count:
        new: list[Any] = []
        for i in range(_MT_N):
            following = state[i + 1] if i + 1 < _MT_N else new[0]
            source = state[i + _MT_M] if i < _MT_N - _MT_M else new[i + _MT_M - _MT_N]
            new.append(_twisted(w, state[i], following, source))
        state = new
        out.extend(_tempered(w, y) for y in state[: count - len(out)])
    return out


def _round32(xp: Any, x: Any, dtype: Any) -> Any:
    """``x`` rounded to ``float32`` (torch's tensor), held in ``dtype``."""
    if isinstance(x, float):
        return float(np.float32(x))
    return xp.astype(xp.astype(x, xp.float32), dtype)


def torch_normal_within(
    xp: Any,
    seed: int,
    step: Any,
    *,
    std: float,
    limit: float,
    draws: int,
    step_bits: int,
    wide: bool,
    dtype: Any,
    single: bool,
) -> Any:
    """timm's noise at ``step``: with ``g`` seeded ``seed + step``, the first of
    ``torch.randn(1, generator=g) * std`` with ``|.| < limit`` among ``draws`` draws (0 where
    none passes: probability below ``2**-64`` with :func:`torch_draws`).

    ``wide`` as in :func:`threefry2x32`; ``single``: ``dtype`` is ``float32`` (the uniforms lose
    bits, and ``1 - u`` is taken from the words, so that ``log`` stays accurate near 0).
    """
    w = _Words(xp, wide)
    offset = seed % 2**32
    if wide:
        words = xp.bitwise_and(xp.astype(step, xp.int64) + offset, _MASK)
    else:
        low = xp.bitwise_and(step, _MASK) if step_bits > 32 else step
        words = xp.astype(low, xp.uint32) + np.uint32(offset)
    pairs = (draws + 1) // 2
    out = _mt_outputs(w, words, 4 * pairs)
    low21 = (1 << 21) - 1

    def uniform(k: int) -> tuple[Any, Any]:
        """``u`` in ``[0, 1)`` from outputs ``k, k + 1``, and ``1 - u`` (exact in ``float64``)."""
        high, low = w.and_(out[k], low21), out[k + 1]
        u = xp.astype(high, dtype) * 2.0**-21 + xp.astype(low, dtype) * 2.0**-53
        if not single:
            return u, None
        rest = (
            xp.astype(w.xor(high, w.const(low21)), dtype) * 2.0**-21
            + (xp.astype(w.xor(low, w.const(_MASK)), dtype) + 1.0) * 2.0**-53
        )
        return u, rest

    def angle(k: int) -> tuple[Any, Any]:
        """``cos`` and ``sin`` of ``2 pi u`` for the ``u`` of outputs ``k, k + 1``."""
        if not single:
            theta = (2.0 * math.pi) * uniform(k)[0]  # (torch's own operations, in order)
            return xp.cos(theta), xp.sin(theta)
        # float32: 2 pi u would lose up to 2 pi ulps; u = q / 4 + w exactly, |w| <= 1/8, and
        # the quadrant q swaps cos and sin
        high, low = w.and_(out[k], low21), out[k + 1]
        q = w.right(high + w.const(1 << 18), 19)  # round(4 u)
        fraction = (xp.astype(high, dtype) - xp.astype(q, dtype) * 2.0**19) * 2.0**-21
        theta = (2.0 * math.pi) * (fraction + xp.astype(low, dtype) * 2.0**-53)
        c, s = xp.cos(theta), xp.sin(theta)
        quadrant = w.and_(q, 3)
        cos = xp.where(
            quadrant == 0, c, xp.where(quadrant == 1, -s, xp.where(quadrant == 2, -c, s))
        )
        sin = xp.where(
            quadrant == 0, s, xp.where(quadrant == 1, c, xp.where(quadrant == 2, -s, -c))
        )
        return cos, sin

    candidates: list[Any] = []
    for pair in range(pairs):
        u2, rest = uniform(4 * pair + 2)
        log = xp.log1p(-u2) if rest is None else xp.where(u2 < 0.5, xp.log1p(-u2), xp.log(rest))
        r = xp.sqrt(-2.0 * log)
        cos, sin = angle(4 * pair)
        candidates += [r * cos, r * sin]
    result: Any = 0.0
    for z in reversed(candidates[:draws]):
        noise = (z if single else _round32(xp, z, dtype)) * std
        result = xp.where((noise < limit) & (-limit < noise), noise, result)
    return result
