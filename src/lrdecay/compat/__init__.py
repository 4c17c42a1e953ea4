"""Framework dialects: each framework's own names and quirks, built from core schedules.

* :mod:`lrdecay.compat.tf1` — ``tf.compat.v1.train.*`` decay functions, and the three functions
  of TensorFlow's object-detection ``learning_schedules`` that the survey of TensorFlow 1's
  learning-rate decay strategies uses.

A dialect holds no formula of its own: every constructor validates its arguments under the
framework's names and returns a composition of :mod:`lrdecay.curves` and
:mod:`lrdecay.combinators`. Dialects load on first access (``lrdecay.compat.tf1``) and import no
framework.

Example:
    >>> import lrdecay
    >>> lrdecay.compat.tf1.cosine_decay(0.1, 500, 1000)
    0.05
"""

from typing import Any as _Any

__all__ = ["tf1"]


def __getattr__(name: str) -> _Any:
    if name in __all__:
        import importlib

        return importlib.import_module(f"lrdecay.compat.{name}")
    raise AttributeError(f"module 'lrdecay.compat' has no attribute {name!r}")
