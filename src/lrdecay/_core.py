"""The :class:`Schedule` base class, its evaluation policy, and the validation helpers.

A schedule is an immutable dataclass whose fields are its configuration and whose value at a step
is a closed-form function of that step. Subclasses implement one method,
``_value(self, t, xp)``, written against the namespace ``xp`` (see :mod:`lrdecay._xp`).

Evaluation policy (:meth:`Schedule.__call__`):

* the step counts completed optimizer updates and starts at 0; it must be a non-negative integer
  (a Python ``int``, an integral ``float``, or a NumPy integer/float array of such values);
* a Python number gives a Python ``float`` computed in double precision;
* a NumPy array (or a list/tuple of steps) gives a NumPy array of the same shape, ``float64`` by
  default. With ``dtype="float32"`` the result is ``float32``; it is *computed* in ``float32``
  while every step is below ``2**24`` (where ``float32`` holds integers exactly), and in ``float64``
  then rounded otherwise, so large steps are never mangled;
* large arrays are evaluated in cache-sized blocks, so temporaries stay in cache and the cost is
  close to that of the transcendental functions themselves.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import numbers
import os
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from lrdecay._xp import NUMPY, SCALAR, forget_bounds

__all__ = ["SCALAR", "Schedule"]

_BLOCK_BYTES = 1 << 16  # one thread: 64 KiB blocks stay in cache, below malloc's mmap threshold
_THREAD_BLOCK_BYTES = 1 << 18  # several threads: fewer, larger blocks (measured: benchmarks/)
_F32_EXACT = 1 << 24
_FLOAT64 = np.dtype(np.float64)
_MAX_STEP = 1 << 53

_PARALLEL_MIN = 1 << 20
_POOL: Any = None

_REGISTRY: dict[str, type[Schedule]] = {}


def _threads() -> int:
    """Threads for large arrays: ``LRDECAY_NUM_THREADS`` or the CPUs this process may use."""
    setting = os.environ.get("LRDECAY_NUM_THREADS", "")
    if setting.strip():
        try:
            threads = int(setting)
        except ValueError:
            threads = 0
        if threads < 1:
            raise ValueError(f"LRDECAY_NUM_THREADS must be a positive integer, got {setting!r}")
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _pool(workers: int) -> Any:
    global _POOL
    if _POOL is None or _POOL._max_workers < workers:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lrdecay")
    return _POOL


# --------------------------------------------------------------------------- validation helpers
def _fmt(value: Any) -> str:
    return repr(value)


def set_field(obj: object, name: str, value: Any) -> None:
    """Store a validated value on a frozen dataclass (from its ``__post_init__``)."""
    object.__setattr__(obj, name, value)


def check_number(owner: str, name: str, value: Any) -> float | int:
    """A finite real number (not a bool), as a plain ``int`` (integers) or ``float`` (the rest)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: {name} must be a real number, got {_fmt(value)} ({type(value).__name__})"
        )
    # ints stay ints; float, NumPy floats, Fraction, ... become a plain float
    number = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(number):
        raise ValueError(f"{owner}: {name} must be finite, got {_fmt(value)}")
    return number


MIN_DURATION = 1e-6
"""The shortest duration (in steps) a schedule accepts: shorter ones overflow ``pi / T``."""


def check_duration(owner: str, name: str, value: Any) -> float | int:
    """A length in steps: finite and at least :data:`MIN_DURATION`."""
    number = check_number(owner, name, value)
    if number < MIN_DURATION:
        raise ValueError(
            f"{owner}: {name} must be > 0 (at least {MIN_DURATION:g} steps), got {_fmt(number)}"
        )
    return number


MAX_PERIODS = 1e6
"""The most cosine periods a curve may have over its decay (more would overflow its phase)."""


def check_periods(owner: str, name: str, value: Any) -> float | int:
    """A number of periods: positive and at most :data:`MAX_PERIODS`."""
    number = check_positive(owner, name, value)
    if number > MAX_PERIODS:
        raise ValueError(f"{owner}: {name} must be <= {MAX_PERIODS:g}, got {_fmt(number)}")
    return number


def check_positive(owner: str, name: str, value: Any) -> float | int:
    number = check_number(owner, name, value)
    if number <= 0:
        raise ValueError(f"{owner}: {name} must be > 0, got {_fmt(number)}")
    return number


def check_non_negative(owner: str, name: str, value: Any) -> float | int:
    number = check_number(owner, name, value)
    if number < 0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {_fmt(number)}")
    return number


def check_int(owner: str, name: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner}: {name} must be an integer, got {_fmt(value)} ({type(value).__name__})"
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise ValueError(f"{owner}: {name} must be >= {minimum}, got {number}")
    return number


def check_bool(owner: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"{owner}: {name} must be True or False, got {_fmt(value)} ({type(value).__name__})"
        )
    return bool(value)


def check_sequence(owner: str, name: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(
            f"{owner}: {name} must be a list of numbers, got {_fmt(value)} ({type(value).__name__})"
        )
    items = tuple(value.tolist() if isinstance(value, np.ndarray) else value)
    return tuple(check_number(owner, f"{name}[{i}]", v) for i, v in enumerate(items))


def check_increasing(
    owner: str, name: str, values: Sequence[float], *, strict: bool = True
) -> None:
    for i in range(1, len(values)):
        if values[i] <= values[i - 1] if strict else values[i] < values[i - 1]:
            raise ValueError(
                f"{owner}: {name} must be strictly increasing, got {list(values)} "
                f"({name}[{i}]={values[i]!r} after {values[i - 1]!r})"
            )


def check_boundaries(
    owner: str, boundaries: Any, pieces: tuple[Any, ...], pieces_name: str, *, positive: bool
) -> tuple[float | int, ...]:
    """Strictly increasing boundaries (``>= 0``, or ``> 0`` if ``positive``), one per switch
    between ``pieces``."""
    bounds = check_sequence(owner, "boundaries", boundaries)
    check = check_positive if positive else check_non_negative
    for i, b in enumerate(bounds):
        check(owner, f"boundaries[{i}]", b)
    check_increasing(owner, "boundaries", bounds)
    if len(pieces) != len(bounds) + 1:
        raise ValueError(
            f"{owner}: {pieces_name} must have exactly one more entry than boundaries, got "
            f"{len(pieces)} {pieces_name} for {len(bounds)} boundaries"
        )
    return bounds


def pieces_reached(boundaries: Sequence[float], t: Any, xp: Any) -> tuple[int, int, float, float]:
    """The first and last of the pieces between ``boundaries`` (switching at each boundary) that
    the steps ``t`` fall in, and the smallest and largest step (all pieces, ``-inf`` and ``inf``
    when ``t`` is traced).
    """
    bounds = xp.bounds(t)
    if bounds is None:
        return 0, len(boundaries), -math.inf, math.inf
    low, high = bounds
    return bisect.bisect_right(boundaries, low), bisect.bisect_right(boundaries, high), low, high


def check_schedule(owner: str, name: str, value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        from lrdecay.curves import Constant

        return Constant(check_number(owner, name, value))
    raise TypeError(
        f"{owner}: {name} must be a Schedule or a number, got {_fmt(value)} "
        f"({type(value).__name__})"
    )


def check_schedules(owner: str, name: str, value: Any) -> tuple[Schedule, ...]:
    if isinstance(value, Schedule) or not isinstance(value, Iterable):
        raise TypeError(
            f"{owner}: {name} must be a list of schedules, got {_fmt(value)} "
            f"({type(value).__name__})"
        )
    return tuple(check_schedule(owner, f"{name}[{i}]", v) for i, v in enumerate(value))


def _check_dtype(dtype: Any) -> np.dtype[Any]:
    if dtype is None:
        return np.dtype(np.float64)
    try:
        resolved: np.dtype[Any] = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be 'float32' or 'float64', got {dtype!r}") from None
    if resolved not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return resolved


def _scalar_step(step: Any) -> float:
    if not isinstance(step, numbers.Integral):
        as_float = float(step)
        if not math.isfinite(as_float):
            raise ValueError(f"step must be a finite non-negative integer, got {step!r}")
        if not as_float.is_integer():
            raise ValueError(
                f"step must be an integer (steps count optimizer updates), got {step!r}"
            )
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step!r}")
    if step > _MAX_STEP:
        raise ValueError(f"step must be <= 2**53 (exact in double precision), got {step!r}")
    return float(step)


def _array_steps(step: Any) -> np.ndarray:
    """The steps as an integer or float NumPy array (values are checked block by block)."""
    steps = np.asarray(step)
    if steps.dtype.kind in "iuf":
        return steps
    if steps.dtype.kind == "b":
        raise TypeError("step must be an integer or an array of integers, got a boolean array")
    first = repr(steps.flat[0]) if steps.size else "an empty array"
    raise TypeError(
        "step must be an integer or an array of integers (at most 2**53), got dtype "
        f"{steps.dtype} (first element {first})"
    )


def _check_block(steps: np.ndarray) -> tuple[float, float]:
    """Validate a non-empty block of steps; return its smallest and largest step."""
    if steps.dtype.kind == "f":
        bad = ~np.isfinite(steps)
        if bad.any():
            raise ValueError(
                f"step must be a finite integer, got {steps[bad].flat[0]!r} among the steps"
            )
        frac = steps != np.floor(steps)
        if frac.any():
            raise ValueError(
                "step must be an integer (steps count optimizer updates), got "
                f"{steps[frac].flat[0]!r} among the steps"
            )
    lo, hi = steps.min().item(), steps.max().item()
    if lo < 0:
        raise ValueError(f"step must be >= 0, got {lo!r} among the steps")
    if hi > _MAX_STEP:
        raise ValueError(f"step must be <= 2**53, got {hi!r} among the steps")
    return float(lo), float(hi)


# --------------------------------------------------------------------------- the base class
@dataclasses.dataclass(frozen=True)
class Schedule:
    """Base class of every schedule: an immutable, pure function of the step.

    Subclasses are frozen dataclasses. Their fields are their configuration (so ``repr``, ``==``,
    hashing and :func:`lrdecay.to_config` follow from them) and they implement
    ``_value(self, t, xp)``, the closed-form value at local step ``t`` written with the namespace
    ``xp`` (:mod:`lrdecay._xp`). Validation happens once, in ``__post_init__``.

    Schedules compose with arithmetic: ``a + b``, ``a - b``, ``a * b``, ``2 * a``, ``-a``,
    ``a / 10`` and ``a + 0.1`` build :class:`~lrdecay.Sum` and :class:`~lrdecay.Product` nodes.

    Example:
        >>> import numpy as np
        >>> import lrdecay
        >>> s = lrdecay.Cosine(init_value=1.0, decay_steps=100)
        >>> round(s(50), 12)
        0.5
        >>> s(np.array([0, 100, 200]))
        array([1., 0., 0.])
    """

    _registry_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("_"):
            return
        if cls.__name__ in _REGISTRY and _REGISTRY[cls.__name__] is not cls:
            raise TypeError(f"a schedule named {cls.__name__!r} is already registered")
        _REGISTRY[cls.__name__] = cls
        cls._registry_name = cls.__name__

    # -- the one method subclasses implement -------------------------------------------------
    def _value(self, t: Any, xp: Any) -> Any:
        raise NotImplementedError

    # -- public API ------------------------------------------------------------------------------
    @property
    def total_steps(self) -> float | None:
        """The natural horizon: the step after which the value no longer changes, or ``None``."""
        return None

    def __call__(self, step: Any, dtype: Any = None) -> Any:
        """The value at ``step`` (see the module docstring for the evaluation policy)."""
        if isinstance(step, numbers.Real) and not isinstance(step, bool | np.bool_ | np.ndarray):
            t = _scalar_step(step)
            if dtype is not None and _check_dtype(dtype) == np.float32:
                # exactly what the same step gives in a float32 array
                return float(self._call_array(np.asarray([t]), dtype)[0])
            return float(self._value(t, SCALAR))
        if isinstance(step, np.ndarray | list | tuple | range):
            return self._call_array(step, dtype)
        raise TypeError(
            "step must be an int, an integral float or a NumPy array of them, got "
            f"{step!r} ({type(step).__name__})"
        )

    def _call_array(self, step: Any, dtype: Any) -> np.ndarray:
        out_dtype = _check_dtype(dtype)
        steps = _array_steps(step)
        out = np.empty(steps.shape, dtype=out_dtype)
        flat_in = steps.reshape(-1)
        flat_out = out.reshape(-1)
        single = out_dtype == np.float32
        workers = _threads() if flat_in.size >= _PARALLEL_MIN else 1
        block = (_BLOCK_BYTES if workers == 1 else _THREAD_BLOCK_BYTES) // out_dtype.itemsize

        def fill(begin: int, end: int) -> None:
            with np.errstate(all="ignore"):
                for start in range(begin, end, block):
                    stop = min(start + block, end)
                    steps = flat_in[start:stop]
                    bounds = _check_block(steps)
                    # float32 is computed in float32 only where it holds every step exactly
                    work = _FLOAT64 if single and bounds[1] >= _F32_EXACT else out_dtype
                    t = steps.astype(work)
                    NUMPY.note(t, bounds)
                    try:
                        flat_out[start:stop] = self._value(t, NUMPY)
                    finally:
                        forget_bounds()

        if workers == 1:
            fill(0, flat_in.size)
        else:
            # NumPy releases the GIL inside each operation: split the blocks between threads.
            span = -(-flat_in.size // (workers * block)) * block
            pool = _pool(workers)
            jobs = [
                pool.submit(fill, a, min(a + span, flat_in.size))
                for a in range(0, flat_in.size, span)
            ]
            for job in jobs:
                job.result()
        return out

    # -- algebra -------------------------------------------------------------------------------
    def __add__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        from lrdecay.combinators import Sum

        return Sum((self, other))

    def __radd__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        from lrdecay.combinators import Sum

        return Sum((other, self))

    def __mul__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        from lrdecay.combinators import Product

        return Product((self, other))

    def __rmul__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        from lrdecay.combinators import Product

        return Product((other, self))

    def __neg__(self) -> Schedule:
        return -1.0 * self

    def __sub__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        result: Schedule = self + (-other)
        return result

    def __rsub__(self, other: Any) -> Schedule:
        if not _operand(other):
            return NotImplemented
        result: Schedule = other + (-self)
        return result

    def __truediv__(self, other: Any) -> Schedule:
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        divisor = check_number("Schedule division", "divisor", other)
        if divisor == 0:
            raise ZeroDivisionError("cannot divide a schedule by 0")
        return self * (1.0 / divisor)


def _operand(value: Any) -> bool:
    return isinstance(value, Schedule) or (
        isinstance(value, numbers.Real) and not isinstance(value, bool)
    )


def registry() -> dict[str, type[Schedule]]:
    """Every registered schedule class by name (a copy)."""
    import lrdecay.combinators
    import lrdecay.curves  # noqa: F401

    return dict(_REGISTRY)
