"""Array namespaces: the array-API functions every schedule formula is written against.

A formula is written once, as ``_value(self, t, xp)``: ``t`` is a :class:`lrdecay._step.Step` (the
step, with its exact integer part) and ``xp`` an array namespace with the standard
`array API <https://data-apis.org/array-api/>`_ names. Formulas use only these:

=====================================  ===========================================================
``cos sin exp log sqrt log1p expm1``   elementwise functions
``floor pow minimum maximum``          (``pow``, ``minimum`` and ``maximum`` accept a Python
                                       number for either argument)
``where(c, a, b)``                     ``a`` where ``c`` else ``b`` (both are evaluated: keep
                                       them finite); one of ``a``, ``b`` may be a Python number
``searchsorted take astype asarray``   table lookups and conversions (:class:`~lrdecay._step.Step`
                                       wraps them for formulas)
``full broadcast_to isdtype``          the engine's cast and broadcast of the result
``floor_divide remainder``             integer arithmetic on the step's integer part
``bitwise_and bitwise_or bitwise_xor`` 32-bit words of the counter-based noise generator
``bitwise_left_shift``
``bitwise_right_shift``
=====================================  ===========================================================

Where each namespace comes from:

* NumPy arrays use :mod:`numpy` itself (NumPy 2 has every name above; going through
  ``array_api_compat.numpy`` would add a Python call per operation on every 64 KiB block);
* jax arrays use :func:`array_api_compat.array_namespace` (that is ``jax.numpy``);
* torch tensors use :mod:`lrdecay._xp_torch`: ``array_api_compat.torch``, except for the functions
  that take a Python number, which are torch's own (the compat versions convert the number
  through ``torch.result_type``, which ``torch.compile(fullgraph=True)`` cannot trace);
* TensorFlow tensors use :mod:`lrdecay._xp_tf`, a small hand-written shim, because
  ``array-api-compat`` does not cover TensorFlow;
* Python numbers use :data:`SCALAR`, hand-written on :mod:`math`: one evaluation per training step
  costs a few microseconds, where NumPy 0-d arrays would cost tens.

A framework is imported only when one of its tensors arrives: :func:`library_of` recognises a
tensor by the modules its type is defined in, without importing anything.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

__all__ = ["SCALAR", "library_of", "namespace"]


# --------------------------------------------------------------------------- recognising tensors
_ROOTS = {"torch": "torch", "jax": "jax", "jaxlib": "jax", "tensorflow": "tensorflow"}
_LIBRARY_OF_TYPE: dict[type, str | None] = {}


def library_of(value: Any) -> str | None:
    """``"torch"``, ``"jax"`` or ``"tensorflow"`` when ``value`` is one of their tensors (or
    variables, or tracers), else ``None``. Looks only at the module names of the value's type and
    its bases: nothing is imported.
    """
    kind = type(value)
    try:
        return _LIBRARY_OF_TYPE[kind]
    except KeyError:
        pass
    found = None
    for cls in kind.__mro__:
        root = _ROOTS.get(cls.__module__.partition(".")[0])
        if root is not None:
            found = root
            break
    _LIBRARY_OF_TYPE[kind] = found
    return found


_NAMESPACES: dict[str, Any] = {}


def namespace(library: str, sample: Any) -> Any:
    """The array namespace of ``library`` (``sample`` is one of its arrays). The torch and
    TensorFlow namespaces are modules, so that their first use may happen while
    ``torch.compile`` traces (it can import a module, not build an object)."""
    xp = _NAMESPACES.get(library)
    if xp is None:
        if library == "tensorflow":
            import lrdecay._xp_tf as xp
        elif library == "torch":
            import lrdecay._xp_torch as xp
        else:
            import array_api_compat

            xp = array_api_compat.array_namespace(sample)
        _NAMESPACES[library] = xp
    return xp


# --------------------------------------------------------------------------- Python numbers
def _safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _safe_expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _safe_pow(x: float, y: float) -> float:
    try:
        return float(math.pow(x, y))
    except OverflowError:
        return math.inf
    except ValueError:  # 0 ** negative: the IEEE answer, as NumPy gives it
        return math.inf


class _Scalar:
    """The namespace of Python numbers: the array-API names on :mod:`math`.

    Dtypes are Python's own types (``float`` is the floating dtype, ``int`` the integer one);
    "arrays" of a table are tuples.
    """

    float32 = float64 = float
    int32 = int64 = int
    take_any_shape = True
    cos = staticmethod(math.cos)
    sin = staticmethod(math.sin)
    exp = staticmethod(_safe_exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    log1p = staticmethod(math.log1p)
    expm1 = staticmethod(_safe_expm1)
    pow = staticmethod(_safe_pow)
    minimum = staticmethod(min)
    maximum = staticmethod(max)

    @staticmethod
    def floor(x: float) -> float:
        return float(math.floor(x))

    @staticmethod
    def where(c: bool, a: Any, b: Any) -> Any:
        return a if c else b

    @staticmethod
    def astype(x: Any, dtype: type, copy: bool = True) -> Any:
        return dtype(x)

    @staticmethod
    def asarray(x: Any, dtype: Any = None, device: Any = None) -> Any:
        return tuple(x) if isinstance(x, list | tuple) else x

    @staticmethod
    def searchsorted(table: tuple[Any, ...], x: Any, side: str = "left") -> int:
        return (bisect.bisect_right if side == "right" else bisect.bisect_left)(table, x)

    @staticmethod
    def take(table: tuple[Any, ...], index: int) -> Any:
        return table[index]

    @staticmethod
    def floor_divide(a: int, b: int) -> int:
        return a // b

    @staticmethod
    def remainder(a: int, b: int) -> int:
        return a % b

    @staticmethod
    def bitwise_and(a: int, b: int) -> int:
        return a & b

    @staticmethod
    def bitwise_or(a: int, b: int) -> int:
        return a | b

    @staticmethod
    def bitwise_xor(a: int, b: int) -> int:
        return a ^ b

    @staticmethod
    def bitwise_left_shift(a: int, b: int) -> int:
        return a << b

    @staticmethod
    def bitwise_right_shift(a: int, b: int) -> int:
        return a >> b

    def __repr__(self) -> str:
        return "<lrdecay namespace of Python numbers>"


SCALAR: Any = _Scalar()
