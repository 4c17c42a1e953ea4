"""Framework dialects: each framework's own names and quirks, built from core schedules.

* :mod:`lrdecay.compat.tf1` — ``tf.compat.v1.train.*`` decay functions, and the three functions
  of TensorFlow's object-detection ``learning_schedules`` that the survey of TensorFlow 1's
  learning-rate decay strategies uses.
* :mod:`lrdecay.compat.torch` — the ``torch.optim.lr_scheduler`` classes that are functions of
  the step (``StepLR`` ... ``OneCycleLR``, ``SequentialLR``, ``ChainedScheduler``).
* :mod:`lrdecay.compat.keras` — the six ``keras.optimizers.schedules`` classes of Keras 3.
* :mod:`lrdecay.compat.optax` — every optax schedule function (``warmup_cosine_decay_schedule``,
  ``sgdr_schedule``, ``join_schedules``, ...).
* :mod:`lrdecay.compat.transformers` — Hugging Face's ``get_scheduler`` and its
  ``get_*_schedule_with_warmup`` functions, with ``lr`` instead of the optimizer.
* :mod:`lrdecay.compat.timm` — timm's ``CosineLRScheduler``, ``TanhLRScheduler``,
  ``StepLRScheduler``, ``MultiStepLRScheduler`` and ``PolyLRScheduler``.

``docs/frameworks.md`` maps each framework's schedulers to lrdecay's and states the differences
between the frameworks.

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

__all__ = ["keras", "optax", "tf1", "timm", "torch", "transformers"]


def __getattr__(name: str) -> _Any:
    if name in __all__:
        import importlib

        return importlib.import_module(f"lrdecay.compat.{name}")
    raise AttributeError(f"module 'lrdecay.compat' has no attribute {name!r}")
