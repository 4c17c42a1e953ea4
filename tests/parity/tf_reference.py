# The seed's functions below are kept verbatim, hence untyped:
# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""TensorFlow reference worker for the parity tests: TF 1 schedules, evaluated as the seed ran them.

Run as a subprocess (``python tests/parity/tf_reference.py``); it does not import ``lrdecay``.
The protocol is JSON lines:

* on start it prints ``{"ready": true, "tf_version": "2.21.0", "pid": ...}`` (or
  ``{"ready": false, "error": ...}`` if TensorFlow cannot be imported, then exits);
* each stdin line is a request ``{"schedule": NAME, "params": {...}, "steps": [int, ...]}`` with
  optional keys ``"companions": [{"schedule": ..., "params": ...}, ...]`` (more schedules built in
  the same graph, see below), ``"method": "auto" | "map_fn" | "feed"`` (default ``"auto"``),
  ``"seed": int`` (graph-level random seed for ``noisy_linear_cosine_decay``, whose values
  are then repeatable, though the ``"map_fn"`` and ``"feed"`` methods draw different noise) and
  ``"id"`` (echoed back);
* a request ``{"signature": NAME}`` is answered ``{"parameters": [{"name": ..., "kind": ...,
  "default": ...}, ...]}``, the function's ``inspect.signature`` (``default`` absent where the
  parameter has none);
* each request gets one response line,
  ``{"values": [float, ...], "method": "map_fn" | "feed"}`` (plus
  ``"companion_values": [[float, ...], ...]`` when companions were given) or
  ``{"error": "ExcType: message"}``; the worker keeps serving after an error and exits at end of
  input.  Nothing else is ever written to stdout (TF's own output is diverted to stderr).

``NAME`` is a ``tf.compat.v1.train`` function (``piecewise_constant`` or its alias
``piecewise_constant_decay``, ``exponential_decay``, ``natural_exp_decay``,
``inverse_time_decay``, ``polynomial_decay``, ``cosine_decay``, ``linear_cosine_decay``,
``noisy_linear_cosine_decay``, ``cosine_decay_restarts``), called with TF's own argument names
except the step argument, or one of the seed article's three custom functions
(``exponential_decay_with_burnin``, ``piecewise_with_warmup``, ``cosine_decay_with_warmup``),
copied below verbatim.  Values are float32 (int32 for integer ``values`` of piecewise_constant)
widened exactly to Python floats; JSON carries them exactly (NaN/Infinity as Python's json
writes them).

With ``--eager`` the worker evaluates in TF 2 eager mode instead: each step is a ``tf.int64``
constant, each schedule is called on it (TF 1's functions return a callable in eager mode; the
survey's ``cosine_decay_with_warmup`` is given ``tf.train.cosine_decay``'s value rather than the
callable it cannot use), one step at a time, with no graph and so no Grappler rewrites.
``method`` is then ``"eager"``.

Evaluation is TF 1 graph mode, as in the survey: ``tf.compat.v1.disable_v2_behavior()`` (which is
process-wide, hence this separate process), a fresh ``tf.Graph`` and one ``tf.Session`` (default
config, so Grappler rewrites the graph exactly as it did for the seed) per request, and the global
step an int64 scalar placeholder, like the seed's global-step variable fed through
``feed_dict``.  The scalar-step schedule is built once on that placeholder (this validates the
parameters and gives the result dtype); then all steps are evaluated in a single ``sess.run`` by
``tf.map_fn`` over an int64 vector, applying the same scalar-step function inside the graph
(``"map_fn"``).  If the mapped graph cannot be built or run, each step is fed to the placeholder
in turn (``"feed"``), which is exactly the seed's loop and can also be forced per request.  The
two give bit-identical values for every schedule here (checked by the tests, steps up to 2**40).

Why ``companions``: Grappler's constant folding rewrites ``x / c`` as ``x * (1/c)`` and then
pushes constants through multiplications (``pi * (x * (1/c))`` becomes ``x * (pi * (1/c))``),
apparently only when the intermediate node has a single consumer.  When several schedules are
built on the same step in one graph, identical subexpressions (e.g.
``min(step, decay_steps) / decay_steps``) are merged and gain several consumers, so a schedule's
float32 values depend on what else is in the graph: ``cosine_decay`` alone differs from
``cosine_decay`` next to a ``polynomial_decay`` with the same ``decay_steps`` in ~10 % of the
steps, by up to 164 ulps (1.4e-7 x the rate; linear_cosine_decay up to 3.3e-7).  The
seed's scripts build two or three schedules per graph (cosine_decay alone), and
``tf_golden_seed.json`` was produced with all its schedules in one graph; a request reproduces
such a graph by listing the other schedules as companions.
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


EAGER = False
"""Whether this worker evaluates in eager mode (``--eager``)."""


class _EagerTrain:
    """``tf.compat.v1.train`` whose decay functions return their value, not a callable."""

    def __init__(self, train: Any) -> None:
        self._train = train

    def __getattr__(self, name: str) -> Any:
        function = getattr(self._train, name)

        def called(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            return result() if callable(result) else result

        return called


class _EagerTF:
    """``tensorflow.compat.v1`` for the survey's functions in eager mode."""

    def __init__(self, v1: Any) -> None:
        self._v1 = v1
        self.train = _EagerTrain(v1.train)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._v1, name)


def _import_tensorflow() -> str:
    """Import TensorFlow quietly, switch it to TF 1 graph behaviour (or keep eager mode with
    ``--eager``) and return its version."""
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
    if EAGER:
        tf = _EagerTF(tensorflow.compat.v1)
    else:
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


def parse_spec(spec: Any, where: str) -> tuple[str, dict[str, Any]]:
    """Check one ``{"schedule": NAME, "params": {...}}`` object and return it as a pair."""
    if not isinstance(spec, dict):
        raise RequestError(f"{where} must be a JSON object")
    schedule = spec.get("schedule")
    params = spec.get("params", {})
    if not isinstance(schedule, str):
        raise RequestError(f"{where}: 'schedule' must be a string")
    if not isinstance(params, dict):
        raise RequestError(f"{where}: 'params' must be an object")
    return schedule, params


def _build_all(specs: Sequence[tuple[str, dict[str, Any]]], global_step: Any) -> list[Any]:
    """Build every schedule of ``specs`` on the same step tensor, in order."""
    return [build_schedule(schedule, params, global_step) for schedule, params in specs]


def evaluate(
    specs: Sequence[tuple[str, dict[str, Any]]],
    steps: Sequence[int],
    method: str = "auto",
    seed: int | None = None,
) -> tuple[list[list[float]], str]:
    """Evaluate schedules at every step in one TF 1 graph; return their values and the method.

    All schedules in ``specs`` are built on the same global step in the same graph and fetched
    together, as when a script builds several schedules (the seed's scripts build two or three);
    Grappler then sees them all at once, which can change float32 results (see the module
    docstring).  Raises whatever TensorFlow (or the seed's code) raises for bad parameters.
    """
    if EAGER:
        return _evaluate_eagerly(specs, steps), "eager"
    if method not in METHODS:
        raise RequestError(f"method must be one of {METHODS}, not {method!r}")
    step_array = np.asarray(steps, dtype=np.int64).reshape(-1)
    graph = tf.Graph()
    with graph.as_default():
        if seed is not None:
            tf.set_random_seed(seed)
        global_step = tf.placeholder(tf.int64, shape=[], name="global_step")
        scalar_rates = _build_all(specs, global_step)
        for (schedule, _), rate in zip(specs, scalar_rates, strict=True):
            if rate.shape.rank != 0:
                raise RequestError(f"{schedule} gave shape {rate.shape}, not a scalar")
        # Iterations sharing a random op in parallel would draw its samples in a racy order.
        random = any("Random" in op.type for op in graph.get_operations())
        mapped_rates = None
        steps_input = None
        if method != "feed":
            try:
                steps_input = tf.placeholder(tf.int64, shape=[None], name="global_steps")
                mapped_rates = tf.map_fn(
                    lambda step: tuple(_build_all(specs, step)),
                    steps_input,
                    dtype=tuple(rate.dtype for rate in scalar_rates),
                    parallel_iterations=1 if random else PARALLEL_ITERATIONS,
                    back_prop=False,
                )
            except Exception:
                if method == "map_fn":
                    raise
                mapped_rates = None
    with tf.Session(graph=graph) as sess:
        if mapped_rates is not None:
            try:
                results = sess.run(list(mapped_rates), {steps_input: step_array})
                return [_to_floats(result) for result in results], "map_fn"
            except Exception:
                if method == "map_fn":
                    raise
        run_step = sess.make_callable(scalar_rates, feed_list=[global_step])
        rows = [run_step(step) for step in step_array.tolist()]
        return [[float(row[k]) for row in rows] for k in range(len(specs))], "feed"


def _evaluate_eagerly(
    specs: Sequence[tuple[str, dict[str, Any]]], steps: Sequence[int]
) -> list[list[float]]:
    """Each schedule at each step, one eager call at a time."""
    results = []
    for schedule, params in specs:
        values = []
        for step in steps:
            rate = build_schedule(schedule, params, tf.constant(int(step), dtype=tf.int64))
            if callable(rate):
                rate = rate()
            values.append(float(np.asarray(rate).astype(np.float64)))
        results.append(values)
    return results


def signature(schedule: str) -> list[dict[str, Any]]:
    """The parameters of ``schedule`` (name, and default unless it has none), in order."""
    import inspect

    if schedule in SEED_FUNCTIONS:
        function = SEED_FUNCTIONS[schedule]
    elif schedule in TRAIN_FUNCTIONS:
        function = getattr(tf.train, TRAIN_FUNCTIONS[schedule])
    else:
        raise RequestError(f"unknown schedule {schedule!r}; known: {', '.join(SCHEDULES)}")
    parameters = []
    for name, parameter in inspect.signature(function).parameters.items():
        entry: dict[str, Any] = {"name": name, "kind": parameter.kind.name}
        if parameter.default is not inspect.Parameter.empty:
            entry["default"] = parameter.default
        parameters.append(entry)
    return parameters


def handle(line: str) -> dict[str, Any]:
    """Answer one request line."""
    response: dict[str, Any] = {}
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise RequestError("a request must be a JSON object")
        if "id" in request:
            response["id"] = request["id"]
        if "signature" in request:
            response["parameters"] = signature(request["signature"])
            return response
        specs = [parse_spec(request, "the request")]
        companions = request.get("companions", [])
        if not isinstance(companions, list):
            raise RequestError("'companions' must be a list")
        specs += [parse_spec(c, f"companions[{i}]") for i, c in enumerate(companions)]
        steps = request.get("steps")
        if not isinstance(steps, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in steps
        ):
            raise RequestError("'steps' must be a list of integers")
        values, method = evaluate(
            specs, steps, method=request.get("method", "auto"), seed=request.get("seed")
        )
        response["values"] = values[0]
        if companions:
            response["companion_values"] = values[1:]
        response["method"] = method
    except Exception as exc:
        response["error"] = error_text(exc)
    return response


def error_text(exc: BaseException) -> str:
    """``"ExcType: message"``, without the Python stack listings TF puts in graph errors."""
    text = str(exc).split("\nOriginal stack trace for", 1)[0]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith('File "')]
    return f"{type(exc).__name__}: " + "\n".join(lines).strip()


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
    """Serve requests from stdin until end of input (``--eager``: in eager mode)."""
    global EAGER
    EAGER = "--eager" in sys.argv[1:]
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
