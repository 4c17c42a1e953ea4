"""Benchmark (b): ``lrdecay gallery`` against the TensorFlow 1 verification loop of the survey of
TensorFlow 1's learning-rate decay strategies.

For each of its 19 curves the survey ran (in TF1 graph mode) a session loop of 20,000 steps: one
``sess.run`` per step, plus one more every 10 steps whose summary it wrote to TensorBoard and
flushed. Measured here, in the same run:

* the survey's loop for one representative curve (its ``cosine_decay`` code block, verbatim but for
  the summary folder, a temporary one), in a subprocess (``tf.compat.v1.disable_v2_behavior()`` is
  process-wide); only the loop is timed: TensorFlow's import and the graph set-up are left out,
  which favours the survey's loop;
* ``python -m lrdecay gallery --out <tmp> --quiet`` end to end in a fresh process (interpreter
  start-up, imports, 19 PNGs, 10 TensorBoard runs with 38,000 scalars, ``index.html``): wall
  time, median of several runs;
* the same work in a fresh process through :func:`lrdecay.viz.gallery.render_gallery`, for the
  time of each part.

The ratio is (the survey's loop for one curve × 19) / gallery time. Run
``python benchmarks/bench_gallery.py`` (or ``make bench``, which writes ``docs/benchmarks.md``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

GALLERY_REPEATS = 7
SEED_REPEATS = 1
CURVES = 19

# The survey's cosine_decay block (tf = tensorflow.compat.v1 in graph mode), with timers added.
SEED_SCRIPT = """
import json, os, sys, time
_t0 = time.perf_counter()
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
_t1 = time.perf_counter()

summary_path = sys.argv[1]
method = 'cosine_decay'

max_step = 20000
base_learning_rate = 0.01
decay_steps = 10000
alpha = 0.001
summary_step = 10

def main():

    global_step_op = tf.train.get_or_create_global_step()

    learning_rate =  tf.train.cosine_decay(learning_rate=base_learning_rate,
                                           decay_steps=decay_steps,
                                           alpha=alpha,
                                           global_step=global_step_op,
                                           name="cosine_decay")
    tf.summary.scalar("learning_rate", learning_rate)
    summary_op = tf.summary.merge_all()

    init_op = tf.group(tf.global_variables_initializer(),
                       tf.local_variables_initializer())

    with tf.Session() as sess:
        sess.run(init_op)

        summary_write = tf.summary.FileWriter(os.path.join(summary_path, method))
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        _loop = time.perf_counter()
        try:
            if not coord.should_stop():
                for step in range(max_step):
                    if step % summary_step == 0:
                        summary, global_step = sess.run([summary_op, global_step_op], feed_dict={global_step_op:step})
                        summary_write.add_summary(summary, global_step=global_step)
                        summary_write.flush()

                    summary, global_step = sess.run([summary_op, global_step_op], feed_dict={global_step_op:step})

        except Exception as e:
            # Report exceptions to the coordinator.
            coord.request_stop(e)
        finally:
            coord.request_stop()
            coord.join(threads)
        return time.perf_counter() - _loop

loop = main()
print("BENCH " + json.dumps({"loop": loop, "import": _t1 - _t0,
                            "script": time.perf_counter() - _t0, "tf": tf.__version__}))
"""  # noqa: E501

PARTS_SCRIPT = """
import json, sys, time
start = time.perf_counter()
from lrdecay.viz.gallery import render_gallery
imported = time.perf_counter() - start
result = render_gallery(sys.argv[1])
print(json.dumps({"import lrdecay": imported, **result.timings, "render_gallery": result.seconds}))
"""


def _machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"Python {platform.python_version()}; load average (1, 5, 15 min) at the start: {load}"
    )


def time_seed(repeats: int = SEED_REPEATS) -> dict[str, float | str] | None:
    """Run the survey's loop in a subprocess; the fastest run's timings (``None`` without TF)."""
    try:
        import importlib.util

        if importlib.util.find_spec("tensorflow") is None:
            return None
    except (ImportError, ValueError):
        return None
    best: dict[str, float | str] | None = None
    with tempfile.TemporaryDirectory(prefix="survey-") as tmp:
        script = Path(tmp) / "seed_cosine_decay.py"
        script.write_text(textwrap.dedent(SEED_SCRIPT), encoding="utf-8")
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
        for i in range(repeats):
            summary = Path(tmp) / f"summary{i}"
            out = subprocess.run(
                [sys.executable, str(script), str(summary)],
                capture_output=True,
                text=True,
                env=env,
                timeout=1800,
            )
            lines = [x for x in out.stdout.splitlines() if x.startswith("BENCH ")]
            if out.returncode != 0 or not lines:
                raise RuntimeError(f"the survey's loop failed:\n{out.stderr[-3000:]}")
            timing = json.loads(lines[-1][len("BENCH ") :])
            events = list((summary / "cosine_decay").glob("events.out.tfevents.*"))
            if not events:
                raise RuntimeError("the survey's loop wrote no event file")
            if best is None or timing["loop"] < best["loop"]:
                best = timing
    return best


def time_gallery(repeats: int = GALLERY_REPEATS) -> list[float]:
    """Wall times of ``python -m lrdecay gallery --out <tmp> --quiet`` in fresh processes."""
    times = []
    with tempfile.TemporaryDirectory(prefix="gallery-") as tmp:
        for i in range(repeats):
            out = Path(tmp) / f"g{i}"
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "lrdecay", "gallery", "--out", str(out), "--quiet"],
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise RuntimeError(f"lrdecay gallery failed:\n{result.stderr}")
            if len(list(out.glob("*.png"))) != CURVES:
                raise RuntimeError("lrdecay gallery did not write 19 images")
            shutil.rmtree(out)
    return times


def time_parts(repeats: int = 3) -> dict[str, float]:
    """Per-part times of the gallery in a fresh process (the run with the median total)."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="gallery-parts-") as tmp:
        for i in range(repeats):
            out = subprocess.run(
                [sys.executable, "-c", PARTS_SCRIPT, str(Path(tmp) / f"p{i}")],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["render_gallery"])
    return {str(k): float(v) for k, v in runs[len(runs) // 2].items()}


def time_start_up(repeats: int = 5) -> float:
    """Median wall time of ``python -c "import lrdecay.cli"`` (interpreter + numpy + lrdecay)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import lrdecay.cli"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> str:
    """Measure and return a markdown section."""
    machine = _machine()
    gallery_before = time_gallery((GALLERY_REPEATS + 1) // 2)
    seed = time_seed()
    gallery_after = time_gallery(GALLERY_REPEATS // 2)
    gallery_times = gallery_before + gallery_after
    gallery = statistics.median(gallery_times)
    parts = time_parts()
    start_up = time_start_up()
    load_end = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else ""

    lines = [
        "## Gallery: `lrdecay gallery` against the survey's TF1 verification loop",
        "",
        f"Machine: {machine}; at the end: {load_end}.",
        "",
    ]
    spread = f"{min(gallery_times):.2f} to {max(gallery_times):.2f} s"
    gallery_row = (
        f"| `python -m lrdecay gallery --quiet`, end to end, fresh process "
        f"(median of {len(gallery_times)}, range {spread}) | {gallery:.2f} s |"
    )
    if seed is None:
        lines += [
            "| measurement | time |",
            "|---|---:|",
            gallery_row,
            "",
            "The survey's loop was not measured: TensorFlow is not installed "
            "(`pip install 'lrdecay[tf]'`).",
        ]
    else:
        loop = float(seed["loop"])
        ratio = loop * CURVES / gallery
        lines += [
            "| measurement | time |",
            "|---|---:|",
            "| the survey's TF1 loop, one curve (`cosine_decay`: 22,000 `sess.run`, "
            f"2,000 summaries written and flushed), TensorFlow {seed['tf']} | {loop:.2f} s |",
            f"| the same × {CURVES} curves | {loop * CURVES:.1f} s |",
            f"| (the survey's script for one curve, including TF import and graph set-up) | "
            f"{float(seed['script']):.2f} s |",
            gallery_row,
            f"| **ratio: survey loop × {CURVES} / gallery** | **{ratio:.0f}×** |",
        ]
    lines += [
        "",
        "Parts of one gallery run (fresh process, `render_gallery` timings; PNG encoding runs in "
        "a worker thread, and the TensorBoard events are written by TensorBoard's own writer in a "
        "child process, both overlapping rendering):",
        "",
        "| part | time |",
        "|---|---:|",
        f"| interpreter start-up + `import lrdecay.cli` (separate process, median) | "
        f"{start_up:.3f} s |",
    ]
    labels = {
        "import lrdecay": "import lrdecay.viz.gallery (in process)",
        "evaluate": "evaluate 19 schedules at 2,000 steps",
        "tensorboard": "start writing 10 TensorBoard runs (38,000 scalars) in a child process",
        "matplotlib": "import matplotlib, set up the figure",
        "render": "render 19 figures",
        "encode": "encode 19 PNGs (worker thread, overlapped)",
        "encode_wait": "wait for the last PNGs",
        "tensorboard_wait": "wait for the TensorBoard writer (it ran while the figures rendered)",
        "report": "write index.html",
        "render_gallery": "render_gallery total",
    }
    for key, label in labels.items():
        if key in parts:
            lines.append(f"| {label} | {parts[key]:.3f} s |")
    lines += [
        "",
        "How: the survey's code block runs in its own process (graph mode is process-wide) "
        "with its summaries in a temporary folder; only its loop is timed (the best of "
        f"{SEED_REPEATS} run{'s' * (SEED_REPEATS != 1)}). The gallery runs as a user runs it, "
        "in fresh processes, timed from outside (wall clock), half of the runs before the survey's "
        "and half after, so that a change in the machine's load hits both. "
        "Run `python benchmarks/bench_gallery.py`.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
