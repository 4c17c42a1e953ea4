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

from typing import TYPE_CHECKING
from typing import Any as _Any

from lrdecay._core import Schedule

if TYPE_CHECKING:
    from lrdecay.combinators import (
        WSD,
        Clip,
        Cyclic,
        Join,
        OneCycle,
        Power,
        Product,
        Restarts,
        Shift,
        Sum,
        Warp,
        burn_in,
        floor,
        hold,
        inverse_sqrt,
        scale,
        warmup,
        with_floor,
    )
    from lrdecay.config import dumps, from_config, loads, to_config
    from lrdecay.curves import (
        Constant,
        Cosine,
        Exponential,
        GaussianNoise,
        InverseTime,
        NaturalExponential,
        Piecewise,
        Polynomial,
        Ramp,
        Tanh,
        TimmNoise,
        linear,
        multistep,
        step_decay,
    )
    from lrdecay.lr_finder import LRFinderResult, find_lr
    from lrdecay.plateau import Plateau
    from lrdecay.scaling import HorizonWarning, TrainingPlan, scale_lr
    from lrdecay.spec import SpecError, load, parse, to_spec
    from lrdecay.units import Clock, Duration, epochs, fraction, steps
    from lrdecay.viz.plot import plot

# The curves, combinators and config are loaded on first use (PEP 562), so that `import lrdecay`
# costs a few milliseconds: defining their dataclasses takes most of lrdecay's import time.
_LAZY = {
    **dict.fromkeys(
        (
            "Constant",
            "Cosine",
            "Exponential",
            "GaussianNoise",
            "InverseTime",
            "NaturalExponential",
            "Piecewise",
            "Polynomial",
            "Ramp",
            "Tanh",
            "TimmNoise",
            "linear",
            "multistep",
            "step_decay",
        ),
        "lrdecay.curves",
    ),
    **dict.fromkeys(
        (
            "Clip",
            "Cyclic",
            "Join",
            "OneCycle",
            "Power",
            "Product",
            "Restarts",
            "Shift",
            "Sum",
            "WSD",
            "Warp",
            "burn_in",
            "floor",
            "hold",
            "inverse_sqrt",
            "scale",
            "warmup",
            "with_floor",
        ),
        "lrdecay.combinators",
    ),
    "Plateau": "lrdecay.plateau",
    **dict.fromkeys(("LRFinderResult", "find_lr"), "lrdecay.lr_finder"),
    **dict.fromkeys(("HorizonWarning", "TrainingPlan", "scale_lr"), "lrdecay.scaling"),
    **dict.fromkeys(("SpecError", "load", "parse", "to_spec"), "lrdecay.spec"),
    "plot": "lrdecay.viz.plot",
    **dict.fromkeys(("Clock", "Duration", "epochs", "fraction", "steps"), "lrdecay.units"),
    **dict.fromkeys(("dumps", "from_config", "loads", "to_config"), "lrdecay.config"),
}


_SUBMODULES = (
    "cli",
    "combinators",
    "compat",
    "config",
    "curves",
    "keras",
    "lr_finder",
    "plateau",
    "scaling",
    "spec",
    "study",
    "survey",
    "torch",
    "units",
    "viz",
)
"""Modules of the package that ``lrdecay.<name>`` imports on first access (the framework adapters
``lrdecay.torch`` and ``lrdecay.keras`` import their framework then, never before)."""


def __getattr__(name: str) -> _Any:
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"lrdecay.{name}")  # (the import sets the attribute)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lrdecay' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "WSD",
    "Clip",
    "Clock",
    "Constant",
    "Cosine",
    "Cyclic",
    "Duration",
    "Exponential",
    "GaussianNoise",
    "HorizonWarning",
    "InverseTime",
    "Join",
    "LRFinderResult",
    "NaturalExponential",
    "OneCycle",
    "Piecewise",
    "Plateau",
    "Polynomial",
    "Power",
    "Product",
    "Ramp",
    "Restarts",
    "Schedule",
    "Shift",
    "SpecError",
    "Sum",
    "Tanh",
    "TimmNoise",
    "TrainingPlan",
    "Warp",
    "__version__",
    "burn_in",
    "dumps",
    "epochs",
    "find_lr",
    "floor",
    "fraction",
    "from_config",
    "hold",
    "inverse_sqrt",
    "linear",
    "load",
    "loads",
    "multistep",
    "parse",
    "plot",
    "scale",
    "scale_lr",
    "step_decay",
    "steps",
    "to_config",
    "to_spec",
    "warmup",
    "with_floor",
]
