"""The array namespace of TensorFlow tensors: a small shim, since ``array-api-compat`` does not
cover TensorFlow (see :mod:`lrdecay._xp`).

Each function takes the array-API name and arguments. A Python number meeting a tensor is
converted to the tensor's dtype (TensorFlow would make it ``float32``/``int32`` and then refuse to
mix it with ``float64``/``int64``). Imported only when a TensorFlow tensor is evaluated.
"""

from __future__ import annotations

import operator
from typing import Any

import tensorflow as tf

float32 = tf.float32
float64 = tf.float64
int32 = tf.int32
int64 = tf.int64

take_any_shape = True  # tf.gather takes an index of any shape


def _pair(a: Any, b: Any) -> tuple[Any, Any]:
    if not tf.is_tensor(a):
        a = tf.constant(a, dtype=b.dtype)
    elif not tf.is_tensor(b):
        b = tf.constant(b, dtype=a.dtype)
    return a, b


def _binary(op: Any, on_numbers: Any) -> Any:
    def function(a: Any, b: Any) -> Any:
        if not tf.is_tensor(a) and not tf.is_tensor(b):
            return on_numbers(a, b)  # two numbers (a constant formula): the engine casts them
        return op(*_pair(a, b))

    function.__name__ = getattr(op, "__name__", "binary")
    return function


cos = tf.math.cos
sin = tf.math.sin
exp = tf.math.exp
log = tf.math.log
sqrt = tf.math.sqrt
log1p = tf.math.log1p
expm1 = tf.math.expm1
floor = tf.math.floor
pow = _binary(tf.math.pow, operator.pow)
minimum = _binary(tf.math.minimum, min)
maximum = _binary(tf.math.maximum, max)
floor_divide = _binary(tf.math.floordiv, operator.floordiv)
remainder = _binary(tf.math.floormod, operator.mod)
bitwise_and = _binary(tf.bitwise.bitwise_and, operator.and_)
bitwise_or = _binary(tf.bitwise.bitwise_or, operator.or_)
bitwise_xor = _binary(tf.bitwise.bitwise_xor, operator.xor)
bitwise_left_shift = _binary(tf.bitwise.left_shift, operator.lshift)
bitwise_right_shift = _binary(tf.bitwise.right_shift, operator.rshift)


def astype(x: Any, dtype: Any, copy: bool = True) -> Any:
    """``x`` as ``dtype`` (TensorFlow tensors are immutable: ``copy`` changes nothing)."""
    return tf.cast(x, dtype)


take = tf.gather
broadcast_to = tf.broadcast_to


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` else ``b``; one of them may be a Python number."""
    return tf.where(condition, *_pair(a, b))


def asarray(x: Any, dtype: Any = None, device: Any = None) -> Any:
    """A constant tensor (``device`` is TensorFlow's to choose)."""
    return tf.constant(x, dtype=dtype)


def searchsorted(table: Any, x: Any, side: str = "left") -> Any:
    """The array-API ``searchsorted`` of a 1-d ``table``, for ``x`` of any shape."""
    # tf.searchsorted wants matching leading dimensions: search a flat copy, then reshape.
    flat = tf.reshape(x, [1, -1])
    # (the index of a float step, a stretched one, is an int32: a table holds at most 4,096)
    index = x.dtype if x.dtype.is_integer else tf.int32
    found = tf.searchsorted(tf.reshape(table, [1, -1]), flat, side=side, out_type=index)
    return tf.reshape(found, tf.shape(x))
