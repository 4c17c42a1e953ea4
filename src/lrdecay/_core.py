"""The :class:`Schedule` base class, its evaluation contract, and the validation helpers.

A schedule is an immutable dataclass whose fields are its configuration and whose value at a step
is a closed-form function of that step. Subclasses implement one method,
``_value(self, t, xp)``, written once against the array namespace ``xp`` (:mod:`lrdecay._xp`) and
the step ``t`` (:class:`lrdecay._step.Step`).

The evaluation contract (:meth:`Schedule.__call__`), owned by this module alone:

* the step counts completed optimizer updates and starts at 0;
* a Python number (an ``int``, an integral ``float``, a NumPy scalar) gives a Python ``float``,
  computed in double precision; it must be an integer in ``[0, 2**53]``;
* a NumPy array (or a list, tuple or ``range``) gives a NumPy array of the same shape, ``float64``
  or, with ``dtype="float32"``, ``float32`` (computed in ``float32``); every step is checked;
* a **torch tensor** gives a torch tensor on the same device, a **jax array** a jax array (also
  under ``jax.jit`` and ``jax.vmap``, with 64-bit types on or off), a **TensorFlow tensor or
  variable** a TensorFlow tensor (eagerly and inside ``tf.function``): ``float32`` unless ``dtype``
  asks for ``float64``. Their steps may be integers of any width or integral floats (a float is
  truncated); they are not checked, since that would read the tensor back to the host: a negative
  step evaluates as step 0;
* the step is cast once, to an integer type (``int64``, or ``int32`` for 32-bit steps and for jax
  without 64-bit types), and the result is cast and broadcast once, to the step's shape and the
  asked dtype. Formulas compare, shift and divide steps in integer arithmetic
  (:class:`~lrdecay._step.Step`), so ``int32`` steps are placed exactly up to ``2**31 - 1`` even in
  ``float32``.

Large NumPy arrays are evaluated in cache-sized blocks, so temporaries stay in cache.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from lrdecay._step import Step
from lrdecay._xp import SCALAR, library_of, namespace

__all__ = ["Schedule"]

_BLOCK_BYTES = 1 << 16  # one thread: 64 KiB blocks stay in cache, below malloc's mmap threshold
_THREAD_BLOCK_BYTES = 1 << 18  # several threads: fewer, larger blocks (measured: benchmarks/)
_MAX_STEP = 1 << 53
_INT64_MAX = (1 << 63) - 1
_INT32_MAX = (1 << 31) - 1

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


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start a new pool when one is needed."""
    global _POOL
    _POOL = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


# --------------------------------------------------------------------------- validation helpers
class ParameterError(Exception):
    """A bad parameter: ``owner`` (the constructor), ``name`` (the parameter, with its index for
    an item of a list) and ``detail`` (what is wrong and the value received). The message is
    ``"{owner}: {name} {detail}"``; :func:`lrdecay.from_config` re-raises it with the parameter's
    path in the config. Raised as :class:`ParameterValueError` or :class:`ParameterTypeError`."""

    def __init__(self, owner: str, name: str, detail: str) -> None:
        super().__init__(f"{owner}: {name} {detail}")
        self.owner = owner
        self.name = name
        self.detail = detail


class ParameterValueError(ParameterError, ValueError):
    """A parameter of the right type with a bad value."""


class ParameterTypeError(ParameterError, TypeError):
    """A parameter of the wrong type."""


def _fmt(value: Any) -> str:
    return repr(value)


def set_field(obj: object, name: str, value: Any) -> None:
    """Store a validated value on a frozen dataclass (from its ``__post_init__``)."""
    object.__setattr__(obj, name, value)


def check_number(owner: str, name: str, value: Any) -> float | int:
    """A finite real number (not a bool), as a plain ``int`` (integers) or ``float`` (the rest)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if getattr(value, "lrdecay_unit", False):  # a lrdecay.units.Duration: epochs(10), ...
            raise ParameterValueError(
                owner,
                name,
                f"must be a number of steps, got {_fmt(value)}: convert durations in other units "
                "with a lrdecay.Clock (clock.build(...) or clock.resolve(...))",
            )
        raise ParameterTypeError(
            owner, name, f"must be a real number, got {_fmt(value)} ({type(value).__name__})"
        )
    # ints stay ints; float, NumPy floats, Fraction, ... become a plain float
    number = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(number):
        raise ParameterValueError(owner, name, f"must be finite, got {_fmt(value)}")
    return number


MIN_DURATION = 1e-6
"""The shortest duration (in steps) a schedule accepts: shorter ones overflow ``pi / T``."""


def check_duration(owner: str, name: str, value: Any) -> float | int:
    """A length in steps: finite and at least :data:`MIN_DURATION`."""
    number = check_number(owner, name, value)
    if number < MIN_DURATION:
        raise ParameterValueError(
            owner, name, f"must be > 0 (at least {MIN_DURATION:g} steps), got {_fmt(number)}"
        )
    return number


MAX_PERIODS = 1e6
"""The most cosine periods a curve may have over its decay (more would overflow its phase)."""


def check_periods(owner: str, name: str, value: Any) -> float | int:
    """A number of periods: non-negative and at most :data:`MAX_PERIODS`."""
    number = check_non_negative(owner, name, value)
    if number > MAX_PERIODS:
        raise ParameterValueError(owner, name, f"must be <= {MAX_PERIODS:g}, got {_fmt(number)}")
    return number


def check_positive(owner: str, name: str, value: Any) -> float | int:
    number = check_number(owner, name, value)
    if number <= 0:
        raise ParameterValueError(owner, name, f"must be > 0, got {_fmt(number)}")
    return number


def check_non_negative(owner: str, name: str, value: Any) -> float | int:
    number = check_number(owner, name, value)
    if number < 0:
        raise ParameterValueError(owner, name, f"must be >= 0, got {_fmt(number)}")
    return number


def check_int(owner: str, name: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterTypeError(
            owner, name, f"must be an integer, got {_fmt(value)} ({type(value).__name__})"
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise ParameterValueError(owner, name, f"must be >= {minimum}, got {number}")
    return number


def check_bool(owner: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ParameterTypeError(
            owner, name, f"must be True or False, got {_fmt(value)} ({type(value).__name__})"
        )
    return bool(value)


def check_sequence(owner: str, name: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ParameterTypeError(
            owner, name, f"must be a list of numbers, got {_fmt(value)} ({type(value).__name__})"
        )
    items = tuple(value.tolist() if isinstance(value, np.ndarray) else value)
    return tuple(check_number(owner, f"{name}[{i}]", v) for i, v in enumerate(items))


def check_increasing(
    owner: str, name: str, values: Sequence[float], *, strict: bool = True
) -> None:
    for i in range(1, len(values)):
        if values[i] <= values[i - 1] if strict else values[i] < values[i - 1]:
            order = "strictly increasing" if strict else "non-decreasing"
            raise ParameterValueError(
                owner,
                name,
                f"must be {order}, got {list(values)} "
                f"({name}[{i}]={values[i]!r} after {values[i - 1]!r})",
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
        raise ParameterValueError(
            owner,
            pieces_name,
            f"must have exactly one more entry than boundaries, got "
            f"{len(pieces)} {pieces_name} for {len(bounds)} boundaries",
        )
    return bounds


def check_schedule(owner: str, name: str, value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        from lrdecay.curves import Constant

        return Constant(check_number(owner, name, value))
    raise ParameterTypeError(
        owner, name, f"must be a Schedule or a number, got {_fmt(value)} ({type(value).__name__})"
    )


def check_schedules(owner: str, name: str, value: Any) -> tuple[Schedule, ...]:
    if isinstance(value, Schedule) or not isinstance(value, Iterable):
        raise ParameterTypeError(
            owner, name, f"must be a list of schedules, got {_fmt(value)} ({type(value).__name__})"
        )
    return tuple(check_schedule(owner, f"{name}[{i}]", v) for i, v in enumerate(value))


_FLOAT_NAMES = ("float32", "float64")


def _dtype_name(dtype: Any) -> str:
    """``"float32"`` or ``"float64"`` from a name, a NumPy dtype or a framework's dtype object."""
    if dtype is None:
        return "float64"
    try:
        name = np.dtype(dtype).name
    except TypeError:
        if isinstance(dtype, str) or library_of(dtype) is None:
            raise TypeError(
                f"dtype must be 'float32' or 'float64', got {dtype!r} ({type(dtype).__name__})"
            ) from None
        name = str(getattr(dtype, "name", None) or dtype).rpartition(".")[2]  # torch.float64
    name = str(name)
    if name not in _FLOAT_NAMES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return name


def _check_dtype(dtype: Any) -> np.dtype[Any]:
    return np.dtype(_dtype_name(dtype))


def _scalar_step(step: Any) -> int:
    value = step
    if not isinstance(step, numbers.Integral):
        with np.errstate(all="ignore"):
            value = float(step)
        if not math.isfinite(value):
            raise ValueError(f"step must be a finite non-negative integer, got {step!r}")
        if not value.is_integer():
            raise ValueError(
                f"step must be an integer (steps count optimizer updates), got {step!r}"
            )
    if value < 0:
        raise ValueError(f"step must be >= 0, got {step!r}")
    if value > _MAX_STEP:
        raise ValueError(f"step must be <= 2**53 (exact in double precision), got {step!r}")
    return int(value)


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


def _check_block(steps: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Validate a non-empty block of steps; return it as ``int64`` with its smallest and largest
    step."""
    if steps.dtype.kind == "f":
        with np.errstate(all="ignore"):
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
    return steps.astype(np.int64, copy=False), float(lo), float(hi)


def _python_step(step: int) -> Step:
    return Step.of_int(SCALAR, step)


def _tensor_step(step: Any, dtype: Any, library: str) -> tuple[Step, Any, Any]:
    """The :class:`Step` of a tensor, its namespace and the shape of the result."""
    xp = namespace(library, step)
    name = "float32" if dtype is None else _dtype_name(dtype)
    wide_words = True
    device = None
    if library == "tensorflow":
        import tensorflow as tf

        step = tf.convert_to_tensor(step)  # a variable is read once
        kind = "b" if step.dtype.is_bool else "i" if step.dtype.is_integer else "f"
        kind = kind if kind == "i" or step.dtype.is_floating or kind == "b" else "c"
        bits = step.dtype.size * 8
        has_64 = True
        shape = tf.shape(step)
    else:
        if library == "jax":
            import jax

            # 64-bit types are on when jax keeps int64 as int64 (a config or a context)
            has_64 = jax.dtypes.canonicalize_dtype(np.int64) == np.int64
            wide_words = False
        else:
            has_64 = True
            device = step.device
        kind = (
            "b"
            if xp.isdtype(step.dtype, "bool")
            else "i"
            if xp.isdtype(step.dtype, "integral")
            else "f"
            if xp.isdtype(step.dtype, "real floating")
            else "c"
        )
        bits = step.dtype.itemsize * 8
        shape = step.shape
    if kind == "b":
        raise TypeError("step must be an integer tensor (or integral floats), got a boolean one")
    if kind == "c":
        raise TypeError(f"step must be an integer tensor (or integral floats), got {step.dtype}")
    if name == "float64" and not has_64:
        raise ValueError(
            "dtype float64 needs jax's 64-bit types: jax.config.update('jax_enable_x64', True)"
        )
    unsigned32 = getattr(step.dtype, "name", "") == "uint32"
    narrow = (kind == "i" and bits <= 32 and not unsigned32) or not has_64
    int_dtype = xp.int32 if narrow else xp.int64
    dtype = getattr(xp, name)

    def integers() -> Any:  # the steps as integers, only if a formula needs them
        return xp.maximum(xp.astype(step, int_dtype, copy=False), 0)

    # An integer step is converted to the working dtype directly (clamping after rounding is
    # rounding after clamping); a float step is truncated to an integer first.
    x = xp.maximum(xp.astype(step, dtype, copy=False), 0.0) if kind == "i" else None
    t = Step(
        xp,
        n_later=integers if x is not None else None,
        n=integers() if x is None else None,
        x=x,
        x_rounded=True,
        dtype=dtype,
        int_dtype=int_dtype,
        device=device,
        int_max=_INT32_MAX if narrow else _INT64_MAX,
        concrete=False,
        wide_words=wide_words,
        exact_below=2**24 if name == "float32" else 2**53,
    )
    return t, xp, shape


def _finish(value: Any, t: Step, xp: Any, shape: Any) -> Any:
    """Cast and broadcast a formula's result once: the step's shape, the working dtype."""
    if isinstance(value, int | float):
        return xp.broadcast_to(t.const(value), shape)
    return xp.broadcast_to(xp.astype(value, t.dtype, copy=False), shape)


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

    # TensorFlow's AutoGraph must run a schedule as it is inside tf.function: its formulas have no
    # Python control flow on tensor values to convert. (What tf.autograph.experimental.
    # do_not_convert sets, without importing TensorFlow.)
    autograph_info__: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("_"):
            return
        # lrdecay's own classes are named by their class name in configs; a user's class by its
        # module and qualified name ("mypackage.schedules.MyCurve"), so it never clashes with
        # one of ours. Defining a class again (a notebook cell run twice) replaces the old one.
        own = cls.__module__ == "lrdecay" or cls.__module__.startswith("lrdecay.")
        name = cls.__name__ if own else f"{cls.__module__}.{cls.__qualname__}"
        _REGISTRY[name] = cls
        cls._registry_name = name

    # -- the one method subclasses implement -------------------------------------------------
    def _value(self, t: Any, xp: Any) -> Any:
        raise NotImplementedError

    # -- public API ------------------------------------------------------------------------------
    @property
    def total_steps(self) -> float | None:
        """The natural horizon: the step after which the value no longer changes, or ``None``."""
        return None

    def __call__(self, step: Any, dtype: Any = None) -> Any:
        """The value at ``step``: see the evaluation contract in :mod:`lrdecay._core`.

        Args:
            step: A Python or NumPy integer, a NumPy array (list, tuple, ``range``) of them, or a
                torch, jax or TensorFlow tensor of steps.
            dtype: ``"float32"`` or ``"float64"`` (or the library's own dtype object). Python
                numbers and NumPy arrays default to ``float64``, tensors to ``float32``.
        """
        if type(step) is int and dtype is None and 0 <= step <= _MAX_STEP:
            # the per-step call of a training loop: no more checks than the value needs
            return float(self._value(_python_step(step), SCALAR))
        if isinstance(step, numbers.Real) and not isinstance(step, (bool, np.bool_)):
            k = _scalar_step(step)
            if dtype is not None and _check_dtype(dtype) == np.float32:
                # exactly what the same step gives in a float32 array
                return float(self._call_numpy(np.asarray([k]), dtype)[0])
            return float(self._value(_python_step(k), SCALAR))
        if isinstance(step, (np.ndarray, list, tuple, range)):
            return self._call_numpy(step, dtype)
        library = library_of(step)
        if library is None:
            raise TypeError(
                "step must be an int, an integral float, a NumPy array of them or a torch, jax "
                f"or TensorFlow tensor, got {step!r} ({type(step).__name__})"
            )
        t, xp, shape = _tensor_step(step, dtype, library)
        return _finish(self._value(t, xp), t, xp, shape)

    def _call_numpy(self, step: Any, dtype: Any) -> np.ndarray:
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
                    n, lo, hi = _check_block(flat_in[start:stop])
                    t = Step(
                        np,
                        n=n,
                        dtype=out_dtype,
                        int_dtype=np.int64,
                        int_max=_INT64_MAX,
                        concrete=True,
                        wide_words=False,
                        exact_below=2**24 if single else 2**53,
                        bounds=(lo, hi),
                    )
                    flat_out[start:stop] = self._value(t, np)

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

    # -- notebook display --------------------------------------------------------------------
    def _repr_png_(self) -> bytes | None:
        """A PNG of the curve over its default horizon, for Jupyter; ``None`` without matplotlib
        (see :mod:`lrdecay.viz.notebook`)."""
        from lrdecay.viz.notebook import png

        return png(self)

    def _repr_html_(self) -> str | None:
        """The curve as an inlined PNG and a table of peak, final value and horizon, for
        Jupyter; ``None`` without matplotlib (see :mod:`lrdecay.viz.notebook`)."""
        from lrdecay.viz.notebook import html

        return html(self)

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
    """Every schedule class by its name in configs (a copy): lrdecay's own by class name, a
    user's by ``module.QualifiedName``."""
    import lrdecay.combinators
    import lrdecay.curves  # noqa: F401

    return dict(_REGISTRY)
