"""The survey of TensorFlow 1's learning-rate decay strategies: its schedules, one entry per figure.

A survey of fixed learning-rate decay strategies, written against TensorFlow 1, covers piecewise
constant, exponential, natural-exponential, polynomial, cosine, linear-cosine and restarted cosine
decay, and three warm-up strategies of TensorFlow's object-detection models. For each strategy it
builds the schedule with the parameters below, logs the learning rate to TensorBoard every
``SUMMARY_STEP`` steps for ``MAX_STEP`` steps (one run directory per ``method``, one tag per
curve) and shows one figure per curve. This module is that catalogue, as
data: the gallery (``lrdecay gallery``) draws it and the parity tests check it against TensorFlow.

Example:
    >>> from lrdecay.survey import FIGURES
    >>> len(FIGURES)
    19
    >>> fig = FIGURES[0]
    >>> fig.method, fig.curve.tag, fig.curve.schedule()(5001)
    ('piecewise_decay', 'learning_rate', 0.001)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from lrdecay._core import Schedule

__all__ = ["FIGURES", "MAX_STEP", "SUMMARY_STEP", "SurveyCurve", "SurveyFigure"]

MAX_STEP = 20_000
"""The survey's training length: its loop runs steps ``0 .. MAX_STEP - 1``."""

SUMMARY_STEP = 10
"""The survey logs the learning rate every ``SUMMARY_STEP`` steps."""

_BASE = 0.01


@dataclasses.dataclass(frozen=True)
class SurveyCurve:
    """One curve of the survey: a :mod:`lrdecay.compat.tf1` function and its arguments."""

    tag: str
    """The ``tf.summary.scalar`` tag the survey logs the curve under."""
    function: str
    """The name of the constructor in :mod:`lrdecay.compat.tf1` (and of the TensorFlow function)."""
    params: Mapping[str, Any]
    """Its arguments, with the survey's values."""

    def schedule(self) -> Schedule:
        """The core schedule these parameters build."""
        from lrdecay.compat import tf1

        constructor = getattr(tf1, self.function)
        schedule: Schedule = constructor(**self.params)
        return schedule


@dataclasses.dataclass(frozen=True)
class SurveyFigure:
    """One figure of the survey: a curve, where the survey logged it and what it shows."""

    name: str
    """A file-name stem, unique in the catalogue."""
    method: str
    """The survey's ``method``: the TensorBoard run directory the curve is logged in."""
    title: str
    """A human title."""
    curve: SurveyCurve


def _figure(
    name: str, method: str, title: str, tag: str, function: str, **params: Any
) -> SurveyFigure:
    return SurveyFigure(
        name=name,
        method=method,
        title=title,
        curve=SurveyCurve(tag=tag, function=function, params=MappingProxyType(params)),
    )


_EXP = {"learning_rate": _BASE, "decay_steps": 2000, "decay_rate": 0.98}
_POLY = {"learning_rate": _BASE, "decay_steps": 10000, "end_learning_rate": 0.00001}
_LINCOS = {"learning_rate": _BASE, "decay_steps": 10000, "alpha": 0.001, "beta": 0.001}
_SGDR = {"learning_rate": _BASE, "first_decay_steps": 5000, "alpha": 0.0001}
_COSWARM = {
    "learning_rate_base": _BASE,
    "total_decay_steps": 15000,
    "alpha": 0.00001,
    "warmup_learning_rate": 0.0001,
    "warmup_steps": 2000,
}
_PIECES = [_BASE, _BASE / 10.0, _BASE / 100.0]

FIGURES: tuple[SurveyFigure, ...] = (
    _figure(
        "piecewise_decay",
        "piecewise_decay",
        "Piecewise constant decay",
        "learning_rate",
        "piecewise_constant",
        boundaries=[5000, 8000],
        values=_PIECES,
    ),
    _figure(
        "exponential_decay_continuous",
        "exponential_decay",
        "Exponential decay (continuous)",
        "exponential_decay_no_stair",
        "exponential_decay",
        **_EXP,
        staircase=False,
    ),
    _figure(
        "exponential_decay_staircase",
        "exponential_decay",
        "Exponential decay (staircase)",
        "exponential_decay_use_stair",
        "exponential_decay",
        **_EXP,
        staircase=True,
    ),
    _figure(
        "natural_exp_decay_continuous",
        "natural_exp_decay",
        "Natural exponential decay (continuous)",
        "natural_exp_decay_no_stair",
        "natural_exp_decay",
        **_EXP,
        staircase=False,
    ),
    _figure(
        "natural_exp_decay_staircase",
        "natural_exp_decay",
        "Natural exponential decay (staircase)",
        "natural_exp_decay_use_stair",
        "natural_exp_decay",
        **_EXP,
        staircase=True,
    ),
    _figure(
        "polynomial_decay_power_1",
        "polynomial_decay",
        "Polynomial decay, power 1",
        "polynomial_decay_power_1",
        "polynomial_decay",
        **_POLY,
        power=1.0,
    ),
    _figure(
        "polynomial_decay_power_2",
        "polynomial_decay",
        "Polynomial decay, power 2",
        "polynomial_decay_power_2",
        "polynomial_decay",
        **_POLY,
        power=2,
    ),
    _figure(
        "polynomial_decay_power_05",
        "polynomial_decay",
        "Polynomial decay, power 0.5",
        "polynomial_decay_power_05",
        "polynomial_decay",
        **_POLY,
        power=0.5,
    ),
    _figure(
        "cosine_decay",
        "cosine_decay",
        "Cosine decay",
        "learning_rate",
        "cosine_decay",
        learning_rate=_BASE,
        decay_steps=10000,
        alpha=0.001,
    ),
    _figure(
        "linear_cosine_decay_05",
        "linear_cosine_decay",
        "Linear cosine decay, 0.5 periods",
        "linear_cosine_decay_05",
        "linear_cosine_decay",
        **_LINCOS,
        num_periods=0.5,
    ),
    _figure(
        "linear_cosine_decay_4",
        "linear_cosine_decay",
        "Linear cosine decay, 4 periods",
        "linear_cosine_decay_4",
        "linear_cosine_decay",
        **_LINCOS,
        num_periods=4,
    ),
    _figure(
        "cosine_decay_restarts_1_1",
        "cosine_decay_cycle",
        "Cosine decay with restarts, t_mul 1, m_mul 1",
        "cosine_decay_cycle_1_1",
        "cosine_decay_restarts",
        **_SGDR,
        t_mul=1,
        m_mul=1,
    ),
    _figure(
        "cosine_decay_restarts_2_1",
        "cosine_decay_cycle",
        "Cosine decay with restarts, t_mul 2, m_mul 1",
        "cosine_decay_cycle_2_1",
        "cosine_decay_restarts",
        **_SGDR,
        t_mul=2,
        m_mul=1,
    ),
    _figure(
        "cosine_decay_restarts_2_05",
        "cosine_decay_cycle",
        "Cosine decay with restarts, t_mul 2, m_mul 0.5",
        "cosine_decay_cycle_2_05",
        "cosine_decay_restarts",
        **_SGDR,
        t_mul=2,
        m_mul=0.5,
    ),
    _figure(
        "exponential_decay_with_burnin",
        "exponential_decay_with_burnin",
        "Exponential decay with 2000 burn-in steps",
        "exponential_decay_with_burnin",
        "exponential_decay_with_burnin",
        learning_rate_base=_BASE,
        learning_rate_decay_steps=2000,
        learning_rate_decay_factor=0.98,
        burnin_learning_rate=0.001,
        burnin_steps=2000,
        staircase=True,
    ),
    _figure(
        "piecewise_no_warmup",
        "piecewise_with_warmup",
        "Piecewise constant decay without warm-up",
        "piecewise_no_warmup",
        "piecewise_with_warmup",
        boundaries=[5000, 8000],
        rates=_PIECES,
        warmup=False,
    ),
    _figure(
        "piecewise_with_warmup",
        "piecewise_with_warmup",
        "Piecewise constant decay with warm-up",
        "piecewise_with_warmup",
        "piecewise_with_warmup",
        boundaries=[2000, 5000, 8000],
        rates=[0.00001, *_PIECES],
        warmup=True,
    ),
    _figure(
        "cosine_decay_with_warmup_hold_0",
        "cosine_decay_with_warmup",
        "Cosine decay with warm-up, no hold",
        "cosine_decay_with_warmup_hold_no",
        "cosine_decay_with_warmup",
        **_COSWARM,
        hold_base_rate_steps=0,
    ),
    _figure(
        "cosine_decay_with_warmup_hold_2000",
        "cosine_decay_with_warmup",
        "Cosine decay with warm-up, 2000 hold steps",
        "cosine_decay_with_warmup_hold_2000",
        "cosine_decay_with_warmup",
        **_COSWARM,
        hold_base_rate_steps=2000,
    ),
)
