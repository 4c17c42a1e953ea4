"""lrdecay: learning-rate schedules as pure functions of the step.

A schedule is an immutable object whose value at a step is a closed-form function of that step:
``lr = schedule(step)``. Build one from the curves (:class:`Cosine`, :class:`Exponential`, ...)
and combinators (:func:`warmup`, :func:`hold`, :class:`Join`, :class:`Restarts`, ...), evaluate it
on a Python int (a ``float``) or a NumPy array (an array), and save it with :func:`to_config`.
Framework dialects live in :mod:`lrdecay.compat` (e.g. :mod:`lrdecay.compat.tf1`).

Example:
    >>> import lrdecay
    >>> s = lrdecay.warmup(lrdecay.Cosine(init_value=0.1, decay_steps=900), steps=100)
    >>> [round(s(k), 6) for k in (0, 50, 100, 550, 1000)]
    [0.0, 0.05, 0.1, 0.05, 0.0]
"""

from lrdecay._core import Schedule
from lrdecay.combinators import Clip, Join, Product, Restarts, Sum, floor, hold, scale, warmup
from lrdecay.config import dumps, from_config, loads, to_config
from lrdecay.curves import (
    Constant,
    Cosine,
    Exponential,
    GaussianNoise,
    InverseTime,
    Piecewise,
    Polynomial,
    linear,
)

__version__ = "0.1.0"

__all__ = [
    "Clip",
    "Constant",
    "Cosine",
    "Exponential",
    "GaussianNoise",
    "InverseTime",
    "Join",
    "Piecewise",
    "Polynomial",
    "Product",
    "Restarts",
    "Schedule",
    "Sum",
    "__version__",
    "dumps",
    "floor",
    "from_config",
    "hold",
    "linear",
    "loads",
    "scale",
    "to_config",
    "warmup",
]
