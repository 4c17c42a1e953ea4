r"""Keras 3: a ``keras.optimizers.schedules.LearningRateSchedule`` that evaluates a schedule.

``lrdecay.keras.schedule(s)`` wraps an lrdecay :class:`~lrdecay.Schedule` in
:class:`KerasSchedule`, a real Keras ``LearningRateSchedule``: pass it as any Keras optimizer's
``learning_rate``. Keras calls it with ``optimizer.iterations``, the number of updates the
optimizer has applied, and it returns the schedule's value there, as a float32 tensor of the
backend:

.. math:: \text{lr}(k) = s(k), \qquad k = \texttt{optimizer.iterations}

so update number ``k`` (counted from 0) uses ``s(k)``: the first update uses ``s(0)``, as in
lrdecay's convention and in Keras's own schedules. Nothing is re-implemented here: the value is
the wrapped schedule's own (its evaluation contract: integer steps of any width, ``int32`` steps
placed exactly up to ``2**31 - 1``, no host synchronisation). It runs on the TensorFlow backend
(eagerly and in ``tf.function``), JAX (traced under ``jax.jit``) and torch.

The step lives in the optimizer: ``optimizer.iterations`` is saved with the model and restored by
``keras.models.load_model``, so a reloaded model continues the schedule where it stopped. To set
it by hand (start "at step ``k``"), call ``optimizer.iterations.assign(k)``.

Saving: :class:`KerasSchedule` is registered with Keras as ``"lrdecay>KerasSchedule"`` and its
config is ``{"schedule": lrdecay.to_config(s)}``, plain data (parsed by
:func:`lrdecay.from_config`, never evaluated). Keras resolves a registered class only when the
module that registers it has been imported (its loader looks the name up in its registry and
imports nothing outside Keras), so ``import lrdecay.keras`` before ``keras.models.load_model``;
then no ``custom_objects`` are needed.

This module imports Keras; ``import lrdecay`` never does.

Example:
    >>> import keras
    >>> import lrdecay
    >>> import lrdecay.keras
    >>> s = lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=900), steps=100)
    >>> lr = lrdecay.keras.schedule(s)
    >>> lr
    KerasSchedule(Join(...))
    >>> round(float(lr(50)), 6), round(float(lr(550)), 6)
    (0.05, 0.05)
    >>> optimizer = keras.optimizers.SGD(learning_rate=lr)
    >>> lr.get_config() == {"schedule": lrdecay.to_config(s)}
    True
"""

from __future__ import annotations

from typing import Any, ClassVar

import keras

from lrdecay._core import Schedule
from lrdecay.config import from_config, to_config

__all__ = ["KerasSchedule", "schedule"]

PACKAGE = "lrdecay"
"""The package of the Keras registration (``keras.saving.register_keras_serializable``)."""

NAME = "KerasSchedule"
"""The name of the Keras registration: saved files name the class ``"lrdecay>KerasSchedule"``.
It is fixed here (not taken from the class's name) so that files stay loadable if the class
is ever renamed."""


def _check_schedule(owner: str, value: Any) -> Schedule:
    if not isinstance(value, Schedule):
        hint = (
            " (it is already a Keras schedule: pass it to the optimizer as it is)"
            if _is_adapter(value)
            else ""
        )
        raise TypeError(
            f"{owner}: schedule must be an lrdecay Schedule, got {value!r} "
            f"({type(value).__name__}){hint}"
        )
    return value


def _is_adapter(value: Any) -> bool:
    """Whether ``value`` is a :class:`KerasSchedule`, also one made before this module was
    reloaded (``importlib.reload``, a notebook cell run again) and so of an older class object."""
    kind = type(value)
    return kind.__module__ == __name__ and kind.__qualname__ == "KerasSchedule"


@keras.saving.register_keras_serializable(package=PACKAGE, name=NAME)
class KerasSchedule(keras.optimizers.schedules.LearningRateSchedule):  # type: ignore[misc]
    r"""An lrdecay schedule as a Keras ``LearningRateSchedule``: :math:`\text{lr}(k) = s(k)`.

    Build it with :func:`schedule` (or ``KerasSchedule(s)``). Keras calls it with the
    optimizer's ``iterations`` (a variable of ``int64`` on TensorFlow, ``int32`` on JAX and
    torch); it returns the wrapped schedule's value there as a ``float32`` tensor of the
    backend, whatever the dtype policy (under ``mixed_float16`` the rate stays ``float32``). It
    is immutable, compares equal to another with an equal schedule, and its config is plain data.

    Attributes:
        schedule: The wrapped lrdecay schedule (read-only).

    Example:
        >>> import lrdecay, lrdecay.keras
        >>> lr = lrdecay.keras.KerasSchedule(lrdecay.Cosine(1.0, decay_steps=100))
        >>> round(float(lr(50)), 6)
        0.5
        >>> lr == lrdecay.keras.KerasSchedule.from_config(lr.get_config())
        True
    """

    # TensorFlow's AutoGraph must not rewrite __call__ inside a user's tf.function: it has no
    # Python control flow on tensors (the wrapped schedule carries the same marker).
    autograph_info__: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, schedule: Schedule) -> None:
        self._schedule = _check_schedule("lrdecay.keras.KerasSchedule", schedule)

    @property
    def schedule(self) -> Schedule:
        """The wrapped lrdecay schedule."""
        return self._schedule

    def __call__(self, step: Any) -> Any:
        """The rate at ``step``: ``schedule(step)`` as a ``float32`` tensor of the backend.

        Args:
            step: What Keras passes (``optimizer.iterations``, a Keras variable, read once and
                traced under ``jax.jit`` or ``tf.function``), or any integer, integer array or
                tensor of steps; it is converted with ``keras.ops.convert_to_tensor``, so the
                result is always the backend's tensor, of the step's shape.

        Returns:
            A ``float32`` tensor of the backend (a NumPy array on the NumPy backend).
        """
        # A Keras variable becomes the backend's own tensor (on torch a torch tensor, on JAX the
        # variable's current value, a tracer inside a jitted train step; on TensorFlow it stays
        # the variable, which is a TensorFlow tensor already), which the schedule evaluates.
        return self._schedule(keras.ops.convert_to_tensor(step), dtype="float32")

    def get_config(self) -> dict[str, Any]:
        """``{"schedule": lrdecay.to_config(self.schedule)}``: plain, JSON-able data."""
        return {"schedule": to_config(self._schedule)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> KerasSchedule:
        """Rebuild from :meth:`get_config`'s output (validated by :func:`lrdecay.from_config`).

        Raises:
            TypeError: ``config`` is not a dict with the one key ``"schedule"``.
            ValueError: the schedule's config is invalid (the message names the field).
        """
        owner = "lrdecay.keras.KerasSchedule.from_config"
        if not isinstance(config, dict):
            raise TypeError(
                f"{owner}: config must be a dict, got {config!r} ({type(config).__name__})"
            )
        if set(config) != {"schedule"}:
            raise TypeError(
                f"{owner}: config must have exactly the key 'schedule', got keys {sorted(config)}"
            )
        return cls(from_config(config["schedule"]))

    def __repr__(self) -> str:
        return f"KerasSchedule({self._schedule!r})"

    def __eq__(self, other: object) -> bool:
        if not _is_adapter(other):
            return NotImplemented
        return bool(self._schedule == other._schedule)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((PACKAGE, NAME, self._schedule))


def schedule(schedule: Schedule) -> KerasSchedule:
    """``schedule`` as a Keras learning-rate schedule, for any Keras 3 optimizer.

    Keras evaluates it at ``optimizer.iterations`` before each update, so update ``k`` (from 0)
    uses ``schedule(k)``. The result is a ``float32`` tensor of the backend, also under
    ``jax.jit``, in ``tf.function`` and with a ``mixed_float16`` policy. It saves with the model
    (``model.save``) and loads without ``custom_objects`` once ``lrdecay.keras`` is imported.

    Args:
        schedule: An lrdecay :class:`~lrdecay.Schedule`.

    Returns:
        A :class:`KerasSchedule` (a ``keras.optimizers.schedules.LearningRateSchedule``).

    Raises:
        TypeError: ``schedule`` is not an lrdecay ``Schedule``.

    Example:
        >>> import keras, lrdecay, lrdecay.keras
        >>> lr = lrdecay.keras.schedule(lrdecay.Piecewise([10, 20], [0.1, 0.01, 0.001]))
        >>> optimizer = keras.optimizers.Adam(learning_rate=lr)
        >>> round(float(optimizer.learning_rate), 6)  # at optimizer.iterations == 0
        0.1
        >>> _ = optimizer.iterations.assign(15)  # the one call that sets the step
        >>> round(float(optimizer.learning_rate), 6)
        0.01
    """
    return KerasSchedule(_check_schedule("lrdecay.keras.schedule", schedule))
