"""The step a formula is evaluated at: :class:`Step`.

A step is an integer, but the local step a formula sees may not be: a :class:`~lrdecay.Join` with a
boundary at ``10.5`` hands its second schedule ``t - 10.5``, what remains of a period of 2.5 steps
is a multiple of a half, and :class:`~lrdecay.Restarts` stretches each cycle by ``m**i``. A
:class:`Step` keeps what is exact about it:

* the value ``(n + offset) / scale`` exactly, with ``n`` an integer array (a Python ``int`` for
  Python numbers), ``offset`` a :class:`~fractions.Fraction` in ``[0, 1)`` and ``scale`` a positive
  ``int``: comparisons with boundaries, shifts to a piece's own start, whole periods and what
  remains of a period are computed in integer arithmetic, so ``float32`` never misplaces a step
  (up to ``2**31 - 1`` for ``int32`` steps, ``2**53`` for ``int64``);
* or, once stretched by a factor that is not a ratio, only its floating-point value.

``t.x`` is the value in the working floating-point dtype (``float32`` or ``float64``; a Python
``float`` for Python numbers), converted once, when a formula first asks for it. Where the dtype
holds every number involved exactly (a boundary below ``2**24`` for ``float32``, say), comparing
and shifting ``x`` is as exact as integer arithmetic and cheaper: the integer part is then
computed only if a formula needs it. For NumPy and Python steps, ``t.bounds`` gives the smallest
and largest step (computed when first asked), which formulas use only to skip work no step needs
(the pieces of a :class:`~lrdecay.Join` no step reaches); for tensors it is ``None``: nothing is
ever read back from a tensor.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["Step", "Table", "as_ratio"]

_UNKNOWN: Any = object()

_MIN_DENOMINATOR = 4096
"""The coarsest fraction :meth:`Step.divmod` approximates a period by in integer arithmetic."""


def as_ratio(value: float) -> Fraction:
    """``value`` as the user wrote it: the shortest decimal that reads back as the same double.

    ``as_ratio(1.1) == Fraction(11, 10)``, not the binary double nearest to 1.1, so that a period of
    ``2.5`` or a factor of ``1.1`` puts boundaries where the decimal says they are.
    """
    if isinstance(value, int) or value.is_integer():
        return Fraction(int(value))
    return Fraction(repr(float(value)))


class Table:
    """A constant table a formula looks values up in, built once (at a schedule's construction):
    a tuple for Python steps, a NumPy array converted to each library's arrays for the others."""

    __slots__ = ("array", "array32", "values")

    def __init__(self, values: Sequence[Any], dtype: Any) -> None:
        self.values = tuple(values)
        self.array = np.asarray(self.values, dtype=dtype)
        # the integers an int32 step can reach (a table is increasing)
        self.array32 = self.array[: bisect.bisect_right(self.values, 2**31 - 1)]

    def __len__(self) -> int:
        return len(self.values)


class Step:
    """The (local) step of a formula: exactly ``(n + offset) / scale``, or a floating-point ``x``.

    ``n`` is an integer array (a Python ``int`` for Python steps), ``offset`` a
    :class:`~fractions.Fraction` in ``[0, 1)`` and ``scale`` a positive ``int`` (a step counted in
    ``1/scale`` of a step: what remains of a period of 2.5 steps is a multiple of ``1/2``). A step
    that has been stretched by a non-rational factor (:class:`~lrdecay.Restarts`) is known only by
    its floating-point value ``x``.

    Formulas read ``t.x`` (the value in the working dtype) and use the methods below for everything
    that depends on where exactly the step lies: :meth:`less`, :meth:`shift`, :meth:`divmod`,
    :meth:`until` and :meth:`switch`. Engines build the first :class:`Step`; formulas derive the
    others.
    """

    __slots__ = (
        "_bounds",
        "_n",
        "_n_later",
        "_x",
        "_x_rounded",
        "concrete",
        "device",
        "dtype",
        "exact_below",
        "int_dtype",
        "int_max",
        "offset",
        "period",
        "scale",
        "wide_words",
        "xp",
    )

    def __init__(
        self,
        xp: Any,
        *,
        n: Any = None,
        n_later: Callable[[], Any] | None = None,
        offset: Fraction | int = 0,
        scale: int = 1,
        x: Any = None,
        x_rounded: bool = False,
        dtype: Any,
        int_dtype: Any,
        device: Any = None,
        int_max: int | None,
        concrete: bool,
        wide_words: bool,
        exact_below: int = 2**53,
        bounds: tuple[float, float] | None = _UNKNOWN,
    ) -> None:
        self.xp = xp
        self._n = n
        self._n_later = n_later  # computes n when first needed
        self.offset = offset
        self.scale = scale
        self.period: tuple[float, int] | None = None  # set on what divmod leaves of a period
        self._x = x
        self._x_rounded = x_rounded
        self.dtype = dtype
        self.exact_below = exact_below  # 2**24 for float32: the integers it holds exactly
        self.int_dtype = int_dtype
        self.device = device
        self.int_max = int_max
        self.concrete = concrete
        self.wide_words = wide_words
        self._bounds = bounds if concrete else None

    @classmethod
    def of_int(cls, xp: Any, k: int) -> Step:
        """The step of a Python ``int`` ``k`` (on ``xp``, the Python-number namespace): the same
        as ``Step(xp, n=k, x=float(k), x_rounded=True, dtype=float, int_dtype=int, int_max=None,
        concrete=True, wide_words=True, bounds=(k, k))``, built without the keyword arguments'
        cost (this is the per-update call of a training loop)."""
        t = cls.__new__(cls)
        x = float(k)
        t.xp = xp
        t._n = k
        t._n_later = None
        t.offset = 0
        t.scale = 1
        t.period = None
        t._x = x
        t._x_rounded = True  # float(k) is k, rounded once (exactly, up to 2**53)
        t.dtype = float
        t.exact_below = 2**53
        t.int_dtype = int
        t.device = None
        t.int_max = None
        t.concrete = True
        t.wide_words = True
        t._bounds = (x, x)
        return t

    @property
    def python_int(self) -> int | None:
        """The step as a Python ``int`` when it is one (a Python step, whole), else ``None``: for
        the fast paths of the per-update call."""
        n = self._n
        if type(n) is int and self.dtype is float and not self.offset and self.scale == 1:
            return n
        return None

    def _derive(
        self,
        *,
        n: Any = None,
        n_later: Callable[[], Any] | None = None,
        offset: Fraction | int = 0,
        scale: int = 1,
        x: Any = None,
        x_rounded: bool = False,
        bounds: tuple[float, float] | None = _UNKNOWN,
    ) -> Step:
        return Step(
            self.xp,
            n=n,
            n_later=n_later,
            offset=offset,
            scale=scale,
            x=x,
            x_rounded=x_rounded,
            dtype=self.dtype,
            int_dtype=self.int_dtype,
            device=self.device,
            int_max=self.int_max,
            concrete=self.concrete,
            wide_words=self.wide_words,
            exact_below=self.exact_below,
            bounds=bounds,
        )

    # -- the value --------------------------------------------------------------------------------
    @property
    def n(self) -> Any:
        """The integer part (``None`` for a stretched step), computed when first needed."""
        if self._n is None and self._n_later is not None:
            self._n, self._n_later = self._n_later(), None
        return self._n

    @property
    def x(self) -> Any:
        """The step in the working floating-point dtype."""
        if self._x is None:
            x = self.xp.astype(self.n, self.dtype)
            self._x_rounded = not self.offset and self.scale == 1
            if self.offset:
                x = x + float(self.offset)
            self._x = x / self.scale if self.scale != 1 else x
        return self._x

    @property
    def x_rounded(self) -> bool:
        """Whether :attr:`x` is the step rounded once to the working dtype (so it is exact below
        :attr:`exact_below`, and compares with an integer it holds as the step does)."""
        if self._x is None:
            return self.whole  # (computed from n when asked)
        return self._x_rounded

    @property
    def exact(self) -> bool:
        """Whether the step is held exactly (an integer part, a constant fraction, a scale)."""
        return self._n is not None or self._n_later is not None

    @property
    def whole(self) -> bool:
        """Whether the step is held as a plain integer ``n``."""
        return self.exact and not self.offset and self.scale == 1

    def _holds(self, b: float) -> bool:
        """Whether the working dtype holds the integer ``b`` and :attr:`x` compares with it as the
        step does (``x`` rounded once and monotonically: a step it cannot hold is above ``b``)."""
        return float(b).is_integer() and abs(b) <= self.exact_below and self.x_rounded

    def integer(self) -> Any:
        """The whole steps (a stretched step is rounded to the nearest integer)."""
        if self.whole:
            return self.n
        if self.exact:
            return self.xp.floor_divide(self.n, self.scale) if self.scale != 1 else self.n
        return self.xp.astype(self.xp.floor(self.x + 0.5), self.int_dtype)

    @property
    def int_bits(self) -> int:
        """How many bits the integer part has: 32, or 64 (also for Python ints)."""
        return 32 if self.int_max is not None and self.int_max < 2**32 else 64

    @property
    def bounds(self) -> tuple[float, float] | None:
        """``(smallest, largest)`` step as Python floats; ``None`` for tensors."""
        if self._bounds is _UNKNOWN:
            values = self.n if self.exact else self._x
            if getattr(values, "size", 1) == 0:
                self._bounds = None
            elif self.exact:
                low, high = float(values.min()), float(values.max())
                shift = float(self.offset)
                self._bounds = ((low + shift) / self.scale, (high + shift) / self.scale)
            else:
                self._bounds = (float(values.min()), float(values.max()))
        return self._bounds

    def known_bounds(self) -> tuple[float, float] | None:
        """:attr:`bounds` if they are already known, else ``None`` (computes nothing)."""
        return None if self._bounds is _UNKNOWN else self._bounds

    # -- constants -------------------------------------------------------------------------------
    def const(self, value: float) -> Any:
        """A Python number as a 0-d array of the working dtype (a ``float`` for Python steps)."""
        return self.xp.asarray(value, dtype=self.dtype, device=self.device)

    def table(self, table: Table, *, integer: bool = False) -> Any:
        """``table`` as an array of the working (or, with ``integer``, the step's integer) dtype.

        An integer table is cut to the values the step's integer type can hold.
        """
        if self.int_max is None:  # Python numbers
            return table.values
        if not integer:
            return self.xp.asarray(table.array, dtype=self.dtype, device=self.device)
        values = table.array32 if self.int_max < 2**32 else table.array
        return self.xp.asarray(values, dtype=self.int_dtype, device=self.device)

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        """``a`` where ``condition`` else ``b``; ``condition`` may be a Python bool."""
        if condition is True:
            return a
        if condition is False:
            return b
        if isinstance(a, int | float) and isinstance(b, int | float):
            a = self.const(a)  # two Python numbers would give the library's default dtype
        return self.xp.where(condition, a, b)

    def take(self, table: Any, index: Any) -> Any:
        """``table[index]`` for an integer array ``index`` of any shape."""
        if getattr(self.xp, "take_any_shape", False):
            return self.xp.take(table, index)
        return table[index]  # (array-API ``take`` wants a 1-d index)

    def stretched(self, x: Any, bounds: tuple[float, float]) -> Step:
        """A step known only by its floating-point value ``x`` (with ``bounds`` for NumPy and
        Python steps): what :class:`~lrdecay.Restarts` hands the curve it repeats."""
        return self._derive(x=x, bounds=bounds)

    # -- where exactly the step lies ------------------------------------------------------------
    def _first(self, b: float) -> int:
        """The smallest integer part ``n`` with ``(n + offset) / scale >= b`` (``b`` as written)."""
        if self.scale == 1 and not self.offset:
            return b if isinstance(b, int) else math.ceil(b)  # (= the ceiling of b as written)
        r = as_ratio(b) * self.scale - self.offset
        return -(-r.numerator // r.denominator)  # (math.ceil of a Fraction: not under dynamo)

    def _fits(self, value: int) -> bool:
        return self.int_max is None or -self.int_max <= value <= self.int_max

    def less(self, b: float) -> Any:
        """``t < b``: a boolean array, or a Python bool when every step agrees."""
        known = self.known_bounds()
        if known is not None:
            if known[1] < b:
                return True
            if known[0] >= b:
                return False
        if not self.exact or (self.whole and self._holds(b)):
            return self.x < b  # (exact for a whole step and a boundary the dtype holds)
        c = self._first(b)
        if c <= 0:
            return False
        if not self._fits(c):
            return True
        return self.n < c

    def shift(self, b: float) -> Step:
        """The step counted from ``b`` (``t - b``) for the steps from ``b`` on; the steps before
        ``b`` get a value in ``[0, 1)`` (0, or the fraction of ``b``), which no formula uses: a
        :class:`~lrdecay.Join` takes a piece's values only from the piece's first step.

        For a whole step and a whole ``b`` below half the dtype's exact range, the shifted value
        is ``x - b`` in floating point (exact while the step is; within two ulps of the shifted
        step otherwise, since it is then at least half the step) and the integer part is computed
        only if a formula asks for it.
        """
        if b == 0:
            return self
        k = self.python_int
        if k is not None and type(b) is int:
            # a Python step (the per-update call of a training loop): plain integer arithmetic
            return Step.of_int(self.xp, k - b if k > b else 0)
        bounds = self.known_bounds()
        before = bounds is None or bounds[0] < b
        shifted = None if bounds is None else (max(bounds[0] - b, 0.0), max(bounds[1] - b, 0.0))
        xp = self.xp
        if not self.exact:
            x = self.x - b
            return self._derive(x=xp.maximum(x, 0.0) if before else x, bounds=shifted)
        if self.whole and 2 * b <= self.exact_below and self._holds(b):
            x = self.x - b
            every_step_held = (self.int_max is not None and self.int_max <= self.exact_below) or (
                bounds is not None and bounds[1] <= self.exact_below
            )
            whole = int(b)  # (b is whole here; a float b would make TensorFlow's n - b fail)
            later = (lambda: xp.maximum(self.n - whole, 0)) if before else (lambda: self.n - whole)
            return self._derive(
                n_later=later,
                x=xp.maximum(x, 0.0) if before else x,
                x_rounded=every_step_held,
                bounds=shifted,
            )
        c = self._first(b)
        if isinstance(b, int) and self.scale == 1 and not self.offset:
            offset: Fraction | int = 0
        else:
            offset = self.offset + c - as_ratio(b) * self.scale
        if not self._fits(c):  # no step gets there
            return self._derive(n=self.n * 0, offset=offset, scale=self.scale, bounds=shifted)
        n = self.n - c
        n = xp.maximum(n, 0) if before else n
        return self._derive(n=n, offset=offset, scale=self.scale, bounds=shifted)

    def _float_exact(self, end: float) -> bool:
        """Whether ``end - t`` is exact in the working dtype: a plain integer step and a whole
        ``end`` the dtype holds (a step it cannot hold is then past ``end`` anyway)."""
        return self.whole and self._holds(end)

    def elapsed(self, end: float) -> Any:
        """``min(t, end)`` in the working dtype, exact (see :meth:`until`)."""
        if not self.exact or self._float_exact(end):
            return self.xp.minimum(self.x, end)
        # (end - until(end) rounds below 0 at step 0 when end is not a whole number of units)
        return self.xp.maximum(end - self.until(end), 0.0)

    def until(self, end: float) -> Any:
        """``max(end - t, 0)`` in the working dtype, with no cancellation when ``t`` is close to
        ``end``: the whole units of ``end - t`` come from integer arithmetic and its fraction (of
        ``end`` as written) is added once, so the result is ``end - t`` rounded once."""
        if self.exact and not self._float_exact(end):
            left = 0  # end's fraction of a unit: left / below (plain ints: torch.compile traces)
            below = 1
            if self.period is not None and self.period[0] == end:
                whole = self.period[1]  # the period divmod divided by
            else:
                units = as_ratio(end) * self.scale - self.offset
                below = units.denominator
                whole, left = divmod(units.numerator, below)
            if self._fits(whole):
                xp = self.xp
                if left:  # (whole - n) + left / below < 0 exactly when whole - n < 0
                    part = left / below
                    rest = xp.maximum(xp.astype(whole - self.n, self.dtype) + part, 0.0)
                else:
                    rest = xp.astype(xp.maximum(whole - self.n, 0), self.dtype)
                return rest / self.scale if self.scale != 1 else rest
        return self.xp.maximum(end - self.x, 0.0)

    def divmod(self, period: float) -> tuple[Any, Step]:
        """``(q, r)``: the whole periods ``q = floor(t / period)`` (in the working dtype) and the
        step within the current period, ``r = t - q * period``.

        Computed in integer arithmetic when the step is exact (no fraction): ``period`` as written
        (see :func:`as_ratio`) is ``a / b``, and ``r`` is exact too, in units of
        ``1 / (b * scale)``, so a step on a multiple of ``period`` always starts a new period. Where
        ``a * b * scale`` would not fit the step's integers (a period like ``1024.2257633183763``),
        ``a / b`` is the closest fraction whose terms fit: for ``int64`` steps far below double
        precision; for 32-bit steps one with ``a`` below ``2**30``, used by binary long
        multiplication (:meth:`_times`). The ``k``-th period then ends within ``k / (b * D)``
        steps of where it should (``D = 2**30 / p`` the largest denominator allowed): usually
        ``k / D**2``, a few millionths of a step, but up to ``k * p / 2**30`` for a period just
        off a simple fraction (``63008.9999592``), where a 32-bit step within that of a period's
        end may fall on its other side (a known limitation: 64-bit steps have none).
        """
        bounds = self.known_bounds()
        if bounds is not None and bounds[1] < period:
            return 0.0, self
        ratio = as_ratio(period)
        narrow = self.int_max is not None and self.int_max < 2**32
        # 64-bit steps: a period whose a * b does not fit (3000.0000000000005 is
        # 30000000000000005 / 10**13), or below one step, is divided exactly by long
        # multiplication, as long as twice the period in units of 1 / b fits
        wide_long = (
            self.int_max is not None
            and not narrow
            and (
                ratio.numerator < ratio.denominator
                or not self._fits(ratio.numerator * ratio.denominator * self.scale)
            )
            and self._fits(2 * ratio.numerator * self.scale)
            and self._fits(ratio.denominator)
        )
        if (
            not wide_long
            and self.int_max is not None
            and not self._fits(ratio.numerator * ratio.denominator)
        ):
            whole = self.scale * (ratio.numerator // ratio.denominator + 1)
            # (32-bit: long multiplication below, the period itself must fit twice over)
            limit = self.int_max // (2 * whole) if narrow else math.isqrt(self.int_max // whole)
            if limit < _MIN_DENOMINATOR and ratio.denominator > limit:
                # a step already counted in tiny units (what remains of another period): the
                # fraction would be far from the period; divide in floating point instead (a
                # period whose own fraction fits, 262143.9921875 = 33554431 / 128, stays exact)
                return self._float_divmod(period, bounds)
            ratio = ratio.limit_denominator(limit)
        a, b = ratio.numerator, ratio.denominator
        units = a * self.scale  # the period, in units of 1 / (b * scale)
        long_multiplication = wide_long or (
            narrow
            and (units < b or not self._fits(units * b))
            and self._fits(2 * units)
            and self._fits(b)
        )
        if self.exact and not self.offset and long_multiplication:
            # 32-bit steps and a period a / b below one step, or whose a * b does not fit them
            # (1.00001 is 100001 / 100000): floor(n b / units) by binary long multiplication,
            # every term below 2 * units, so the period is read to about 2 / int_max of itself
            # (instead of 1 / sqrt(int_max)) and the whole periods are counted exactly for it
            xp = self.xp
            whole_periods = xp.floor_divide(self.n, units)
            q, r = self._times(xp.remainder(self.n, units), b, units)
            within = None if bounds is None else (0.0, min(bounds[1], float(period)))
            rest = self._derive(n=r, scale=self.scale * b, bounds=within)
            rest.period = (period, units)
            return xp.astype(whole_periods, self.dtype) * b + xp.astype(q, self.dtype), rest
        if (
            self.exact
            and not self.offset
            and (units >= b or self.int_max is None)  # (Python ints hold any product)
            and self._fits(units * b)
        ):
            xp = self.xp
            within = None if bounds is None else (0.0, min(bounds[1], float(period)))
            if b == 1:
                q = xp.floor_divide(self.n, units)
                rest = self._derive(n=self.n - q * units, scale=self.scale, bounds=within)
            else:  # floor(n b / units) without forming n b, which could overflow
                u = xp.remainder(self.n, units) * b
                q_in = xp.floor_divide(u, units)
                q = xp.floor_divide(self.n, units) * b + q_in
                rest = self._derive(n=u - q_in * units, scale=self.scale * b, bounds=within)
            rest.period = (period, units)
            return xp.astype(q, self.dtype), rest
        return self._float_divmod(period, bounds)

    def _float_divmod(self, period: float, bounds: tuple[float, float] | None) -> tuple[Any, Step]:
        """:meth:`divmod` in floating point (in double precision for NumPy ``float32``)."""
        xp = self.xp
        if self.concrete and self.exact and self.dtype == np.float32:
            # NumPy: a period whose ratio does not fit the integers (or one below a step) is
            # divided in double precision, where float32 would round the period itself
            x64 = xp.astype(self.n, np.float64) + float(self.offset)
            x64 = x64 / self.scale if self.scale != 1 else x64
            q64 = xp.floor(x64 / period)
            rest64 = xp.maximum(x64 - q64 * period, 0.0)
            q, rest = xp.astype(q64, self.dtype), xp.astype(rest64, self.dtype)
        else:
            q = xp.floor(self.x / period)
            rest = xp.maximum(self.x - q * period, 0.0)
        return q, self._derive(x=rest, bounds=None if bounds is None else (0.0, float(period)))

    def at_most(self, limit: int) -> Step:
        """The step saturated at ``limit``, an integer the step's integers hold: what a formula
        that adds to the step (:class:`~lrdecay.Shift`) uses to stay within them."""
        bounds = self.known_bounds()
        if bounds is not None and bounds[1] <= limit:
            return self
        if not self.whole:
            return self._derive(x=self.xp.minimum(self.x, float(limit)), bounds=None)
        return self._derive(n=self.xp.minimum(self.n, limit), bounds=None)

    def _times(self, r: Any, b: int, units: int) -> tuple[Any, Any]:
        """``divmod(r * b, units)`` for integers ``0 <= r < units`` without forming ``r * b``:
        the bits of ``b`` from the highest, doubling and adding ``r``, with every partial
        remainder below ``2 * units`` (which must fit the step's integers)."""
        xp = self.xp
        q = r * 0
        rem = r * 0
        for bit in bin(b)[2:]:
            q = q * 2
            rem = rem * 2
            over = rem >= units
            rem = xp.where(over, rem - units, rem)
            q = q + xp.astype(over, self.int_dtype)
            if bit == "1":
                rem = rem + r
                over = rem >= units
                rem = xp.where(over, rem - units, rem)
                q = q + xp.astype(over, self.int_dtype)
        return q, rem

    def reached(self, boundaries: Sequence[float]) -> tuple[int, int]:
        """The first and last of the pieces between ``boundaries`` (switching at each boundary)
        that some step falls in: all of them when the steps are not known."""
        bounds = self.bounds
        if bounds is None:
            return 0, len(boundaries)
        return bisect.bisect_right(boundaries, bounds[0]), bisect.bisect_right(
            boundaries, bounds[1]
        )

    def switch(self, boundaries: Sequence[float], piece: Callable[[int], Any]) -> Any:
        """``piece(i)`` for the steps in ``[boundaries[i-1], boundaries[i])``; only the pieces some
        step reaches are evaluated (all of them for tensors)."""
        first, last = self.reached(boundaries)
        result = piece(last)
        for i in range(last - 1, first - 1, -1):
            result = self.where(self.less(boundaries[i]), piece(i), result)
        return result
