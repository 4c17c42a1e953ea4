"""TensorFlow reference worker for the parity tests: TF 1 schedules, evaluated as the seed ran them.

Run as a subprocess (``python tests/parity/tf_reference.py``); it does not import ``lrdecay``.
The protocol is JSON lines:

* on start it prints ``{"ready": true, "tf_version": "2.21.0", "pid": ...}``;
* each stdin line is a request
  ``{"schedule": NAME, "params": {...}, "steps": [int, ...]}``, optionally with
  ``"method": "auto" | "map_fn" | "feed"`` (default ``"auto"``), ``"seed": int`` (graph-level
  random seed, only useful for ``noisy_linear_cosine_decay``) and ``"id"`` (echoed back);
* each request gets one response line, ``{"values": [float, ...], "method": "map_fn" | "feed"}``
  or ``{"error": "ExcType: message"}``; the worker keeps serving after an error and exits at
  end of input.

``NAME`` is a ``tf.compat.v1.train`` function (``piecewise_constant`` or its alias
``piecewise_constant_decay``, ``exponential_decay``, ``natural_exp_decay``,
``inverse_time_decay``, ``polynomial_decay``, ``cosine_decay``, ``linear_cosine_decay``,
``noisy_linear_cosine_decay``, ``cosine_decay_restarts``), called with TF's own argument names
except the step argument, or one of the seed article's three custom functions
(``exponential_decay_with_burnin``, ``piecewise_with_warmup``, ``cosine_decay_with_warmup``),
copied below verbatim.

Evaluation is TF 1 graph mode, as in the seed: ``tf.compat.v1.disable_v2_behavior()`` (which is
process-wide, hence this separate process), a fresh ``tf.Graph`` and one ``tf.Session`` (default
config, so Grappler rewrites the graph exactly as it did for the seed) per request, and the global
step an int64 scalar placeholder, like the seed's global-step variable fed through
``feed_dict``.  The scalar-step schedule is built once on that placeholder (this validates the
parameters and gives the result dtype); then all steps are evaluated in a single ``sess.run`` by
``tf.map_fn`` over an int64 vector, applying the same scalar-step function inside the graph
(``"map_fn"``).  If the mapped graph cannot be built or run, each step is fed to the placeholder
in turn (``"feed"``), which is exactly the seed's loop and can also be forced per request.
Float32 results are widened exactly to Python floats.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import IO, Any

# TensorFlow module objects, bound by `_import_tensorflow()`.  `tf` is `tensorflow.compat.v1`,
# i.e. the `tf` the seed's TF 1 code was written against.
tf: Any = None
np: Any = None

#: `tf.compat.v1.train` functions served, by request name.
TRAIN_FUNCTIONS: dict[str, str] = {
    "piecewise_constant": "piecewise_constant",
    "piecewise_constant_decay": "piecewise_constant_decay",
    "exponential_decay": "exponential_decay",
    "natural_exp_decay": "natural_exp_decay",
    "inverse_time_decay": "inverse_time_decay",
    "polynomial_decay": "polynomial_decay",
    "cosine_decay": "cosine_decay",
    "linear_cosine_decay": "linear_cosine_decay",
    "noisy_linear_cosine_decay": "noisy_linear_cosine_decay",
    "cosine_decay_restarts": "cosine_decay_restarts",
}

#: Name of the step argument where it is not ``global_step``.
STEP_ARGUMENT: dict[str, str] = {"piecewise_constant": "x", "piecewise_constant_decay": "x"}

#: `tf.map_fn` iterations run in parallel (results do not depend on it, only speed).
PARALLEL_ITERATIONS = 64

METHODS = ("auto", "map_fn", "feed")


# ------------------------------------------------------------------------------------------------
# The seed article's custom schedules, copied verbatim (only re-indented to 4 spaces; `noqa`
# comments keep the linter from asking for changes).  `tf` is `tensorflow.compat.v1`.  They are
# the reference, quirks included:
# * exponential_decay_with_burnin compares `tf.cast(global_step, tf.int32)` with burnin_steps
#   (an int64 step >= 2**31 wraps around), and a `burnin_learning_rate` of 0 means
#   `learning_rate_base`;
# * piecewise_with_warmup demands int boundaries and float rates (JSON `1` is an int, `1.0` a
#   float), rejects a first boundary of 0 and builds one boundary per warm-up step;
# * cosine_decay_with_warmup returns `alpha` itself (not `alpha * learning_rate_base`) after
#   `total_decay_steps`.
# ------------------------------------------------------------------------------------------------

# fmt: off

def exponential_decay_with_burnin(global_step,
                                  learning_rate_base,
                                  learning_rate_decay_steps,
                                  learning_rate_decay_factor,
                                  burnin_learning_rate=0.0,
                                  burnin_steps=0,
                                  min_learning_rate=0.0,
                                  staircase=True):
    """Exponential decay schedule with burn-in period.
    In this schedule, learning rate is fixed at burnin_learning_rate
    for a fixed period, before transitioning to a regular exponential
    decay schedule."""

    if burnin_learning_rate == 0:
        burnin_learning_rate = learning_rate_base

    def eager_decay_rate():
        """Callable to compute the learning rate."""
        post_burnin_learning_rate = tf.train.exponential_decay(
            learning_rate_base,
            global_step - burnin_steps,
            learning_rate_decay_steps,
            learning_rate_decay_factor,
            staircase=staircase)
        if callable(post_burnin_learning_rate):
            post_burnin_learning_rate = post_burnin_learning_rate()
        return tf.maximum(tf.where(
            tf.less(tf.cast(global_step, tf.int32), tf.constant(burnin_steps)),
            tf.constant(burnin_learning_rate),
            post_burnin_learning_rate), min_learning_rate, name='learning_rate')

    if tf.executing_eagerly():
        return eager_decay_rate
    else:
        return eager_decay_rate()


def piecewise_with_warmup(global_step, boundaries, rates, warmup=False):
    """Manually stepped learning rate schedule
    """
    if any([b < 0 for b in boundaries]) or any(
            [not isinstance(b, int) for b in boundaries]):
        raise ValueError('boundaries must be a list of positive integers')
    if any([bnext <= b for bnext, b in zip(boundaries[1:], boundaries[:-1])]):  # noqa: B905
        raise ValueError('Entries in boundaries must be strictly increasing.')
    if any([not isinstance(r, float) for r in rates]):
        raise ValueError('Learning rates must be floats')
    if len(rates) != len(boundaries) + 1:
        raise ValueError('Number of provided learning rates must exceed '
                         'number of boundary points by exactly 1.')

    if boundaries and boundaries[0] == 0:
        raise ValueError('First step cannot be zero.')

    if warmup and boundaries:
        slope = (rates[1] - rates[0]) * 1.0 / boundaries[0]
        warmup_steps = list(range(boundaries[0]))
        warmup_rates = [rates[0] + slope * step for step in warmup_steps]
        boundaries = warmup_steps + boundaries
        rates = warmup_rates + rates[1:]
    else:
        boundaries = [0] + boundaries  # noqa: RUF005
    num_boundaries = len(boundaries)

    def eager_decay_rate():
        """Callable to compute the learning rate."""
        rate_index = tf.reduce_max(tf.where(
            tf.greater_equal(global_step, boundaries),
            list(range(num_boundaries)),
            [0] * num_boundaries))
        return tf.reduce_sum(rates * tf.one_hot(rate_index, depth=num_boundaries),
                             name='learning_rate')
    if tf.executing_eagerly():
        return eager_decay_rate
    else:
        return eager_decay_rate()


def cosine_decay_with_warmup(global_step,
                             learning_rate_base,
                             total_decay_steps,
                             alpha = 0.0,
                             warmup_learning_rate=0.0,
                             warmup_steps=0,
                             hold_base_rate_steps=0):
    """Cosine decay schedule with warm up period.
    In this schedule, the learning rate grows linearly from warmup_learning_rate
    to learning_rate_base for warmup_steps, then transitions to a cosine decay
    schedule."""
    def eager_decay_rate():
        """Callable to compute the learning rate."""
        learning_rate = tf.train.cosine_decay(learning_rate=learning_rate_base,
                                              decay_steps=total_decay_steps - warmup_steps - hold_base_rate_steps,  # noqa: E501
                                              global_step= global_step - warmup_steps - hold_base_rate_steps,  # noqa: E501
                                              alpha=alpha)
        if hold_base_rate_steps > 0:
            learning_rate = tf.where(
                global_step > warmup_steps + hold_base_rate_steps,
                learning_rate, learning_rate_base)
        if warmup_steps > 0:
            if learning_rate_base < warmup_learning_rate:
                raise ValueError('learning_rate_base must be larger or equal to '
                                 'warmup_learning_rate.')
            slope = (learning_rate_base - warmup_learning_rate) / warmup_steps
            warmup_rate = slope * tf.cast(global_step,
                                          tf.float32) + warmup_learning_rate
            learning_rate = tf.where(global_step < warmup_steps, warmup_rate,
                                     learning_rate)
        return tf.where(global_step > total_decay_steps, alpha, learning_rate,
                        name='learning_rate')

    if tf.executing_eagerly():
        return eager_decay_rate
    else:
        return eager_decay_rate()

# fmt: on

SEED_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exponential_decay_with_burnin": exponential_decay_with_burnin,
    "piecewise_with_warmup": piecewise_with_warmup,
    "cosine_decay_with_warmup": cosine_decay_with_warmup,
}

#: Every schedule name a request may use.
SCHEDULES: tuple[str, ...] = (*TRAIN_FUNCTIONS, *SEED_FUNCTIONS)


# ------------------------------------------------------------------------------------------------
# Evaluation.
# ------------------------------------------------------------------------------------------------


class RequestError(Exception):
    """A request that is malformed before TensorFlow is asked anything."""


def _import_tensorflow() -> str:
    """Import TensorFlow quietly, switch it to TF 1 graph behaviour and return its version."""
    global tf, np
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    import numpy
    import tensorflow

    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.FATAL)
        absl_logging.set_stderrthreshold("fatal")
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    tensorflow.get_logger().setLevel("ERROR")
    tensorflow.compat.v1.logging.set_verbosity(tensorflow.compat.v1.logging.ERROR)
    tensorflow.compat.v1.disable_v2_behavior()
    tf = tensorflow.compat.v1
    np = numpy
    return str(tensorflow.__version__)


def build_schedule(schedule: str, params: dict[str, Any], global_step: Any) -> Any:
    """Build the learning-rate tensor of ``schedule`` for the scalar step tensor ``global_step``."""
    if schedule in SEED_FUNCTIONS:
        return SEED_FUNCTIONS[schedule](global_step=global_step, **params)
    if schedule in TRAIN_FUNCTIONS:
        function = getattr(tf.train, TRAIN_FUNCTIONS[schedule])
        step_argument = STEP_ARGUMENT.get(schedule, "global_step")
        if step_argument in params or "name" in params:
            raise RequestError(f"params must not contain {step_argument!r} or 'name'")
        return function(**{step_argument: global_step}, **params)
    raise RequestError(f"unknown schedule {schedule!r}; known: {', '.join(SCHEDULES)}")


def _to_floats(array: Any) -> list[float]:
    """Widen a NumPy result exactly to a list of Python floats."""
    return [float(v) for v in np.asarray(array).astype(np.float64).reshape(-1)]


def evaluate(
    schedule: str,
    params: dict[str, Any],
    steps: Sequence[int],
    method: str = "auto",
    seed: int | None = None,
) -> tuple[list[float], str]:
    """Evaluate ``schedule`` at every step in TF 1 graph mode; return the values and the method.

    Raises whatever TensorFlow (or the seed's code) raises for bad parameters.
    """
    if method not in METHODS:
        raise RequestError(f"method must be one of {METHODS}, not {method!r}")
    step_array = np.asarray(steps, dtype=np.int64).reshape(-1)
    graph = tf.Graph()
    with graph.as_default():
        if seed is not None:
            tf.set_random_seed(seed)
        global_step = tf.placeholder(tf.int64, shape=[], name="global_step")
        scalar_rate = build_schedule(schedule, params, global_step)
        if scalar_rate.shape.rank != 0:
            raise RequestError(f"schedule gave shape {scalar_rate.shape}, not a scalar")
        mapped_rate = None
        steps_input = None
        if method != "feed":
            try:
                steps_input = tf.placeholder(tf.int64, shape=[None], name="global_steps")
                mapped_rate = tf.map_fn(
                    lambda step: build_schedule(schedule, params, step),
                    steps_input,
                    dtype=scalar_rate.dtype,
                    parallel_iterations=PARALLEL_ITERATIONS,
                    back_prop=False,
                )
            except Exception:
                if method == "map_fn":
                    raise
                mapped_rate = None
    with tf.Session(graph=graph) as sess:
        if mapped_rate is not None:
            try:
                return _to_floats(sess.run(mapped_rate, {steps_input: step_array})), "map_fn"
            except Exception:
                if method == "map_fn":
                    raise
        run_step = sess.make_callable(scalar_rate, feed_list=[global_step])
        return [float(run_step(step)) for step in step_array.tolist()], "feed"


def handle(line: str) -> dict[str, Any]:
    """Answer one request line."""
    response: dict[str, Any] = {}
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise RequestError("a request must be a JSON object")
        if "id" in request:
            response["id"] = request["id"]
        schedule = request.get("schedule")
        params = request.get("params", {})
        steps = request.get("steps")
        if not isinstance(schedule, str):
            raise RequestError("'schedule' must be a string")
        if not isinstance(params, dict):
            raise RequestError("'params' must be an object")
        if not isinstance(steps, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in steps
        ):
            raise RequestError("'steps' must be a list of integers")
        values, method = evaluate(
            schedule,
            params,
            steps,
            method=request.get("method", "auto"),
            seed=request.get("seed"),
        )
        response["values"] = values
        response["method"] = method
    except Exception as exc:
        response["error"] = f"{type(exc).__name__}: {exc}"
    return response


def _protocol_stream() -> IO[str]:
    """Keep the real stdout for protocol lines and send everything else written to it to stderr.

    TensorFlow (Python or C++) printing to stdout would corrupt the JSON-lines protocol, so file
    descriptor 1 and ``sys.stdout`` are redirected to stderr, and the protocol goes to a
    duplicate of the original descriptor.
    """
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "w", encoding="utf-8", buffering=1)


def main() -> int:
    """Serve requests from stdin until end of input."""
    out = _protocol_stream()

    def send(message: dict[str, Any]) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        version = _import_tensorflow()
    except Exception as exc:
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    send({"ready": True, "tf_version": version, "pid": os.getpid()})
    for line in sys.stdin:
        if line.strip():
            send(handle(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
