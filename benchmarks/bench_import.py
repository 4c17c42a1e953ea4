"""Start-up: what ``import lrdecay`` adds to ``import numpy``, what the first use adds, and the
wall time of ``lrdecay --help`` against ``python -c "import numpy"``.

The import figures are measured inside fresh child processes, around the import statements only
(so the interpreter's own start-up is excluded), as the minimum over interleaved runs; the
command line's, as the wall time of whole processes (interpreter start-up included on both
sides). Run ``python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

RUNS = 15

CHILD = """
import json, sys, time
a = time.perf_counter()
import numpy
b = time.perf_counter()
import lrdecay
c = time.perf_counter()
lrdecay.warmup(lrdecay.Cosine(1.0, decay_steps=100), steps=10)(5)
d = time.perf_counter()
frameworks = sorted(m for m in ("torch", "tensorflow", "jax", "keras", "optax", "matplotlib",
                                "tensorboard") if m in sys.modules)
print(json.dumps({"numpy": b - a, "lrdecay": c - b, "first use": d - c, "loaded": frameworks}))
"""


def measure(runs: int = RUNS) -> dict[str, object]:
    """Minimum seconds of each phase over ``runs`` fresh processes."""
    samples: dict[str, list[float]] = {"numpy": [], "lrdecay": [], "first use": []}
    loaded: list[str] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
        ).stdout
        record = json.loads(out)
        for key in samples:
            samples[key].append(record[key])
        loaded = record["loaded"]
    return {**{key: min(values) for key, values in samples.items()}, "loaded": loaded}


HELP_CHILD = """
import runpy, sys
sys.argv = ["lrdecay", "--help"]
try:
    runpy.run_module("lrdecay", run_name="__main__")
except SystemExit:
    pass
heavy = ("torch", "tensorflow", "jax", "keras", "optax", "matplotlib", "tensorboard", "rich")
print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def measure_help(runs: int = RUNS) -> dict[str, object]:
    """Minimum wall seconds of ``python -m lrdecay --help`` and ``python -c "import numpy"``,
    interleaved over ``runs`` fresh processes each, and the heavy modules ``--help`` loaded."""
    commands = {
        "numpy": [sys.executable, "-c", "import numpy"],
        "help": [sys.executable, "-m", "lrdecay", "--help"],
    }
    samples: dict[str, list[float]] = {key: [] for key in commands}
    for _ in range(runs):
        for key, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            samples[key].append(time.perf_counter() - start)
    loaded = subprocess.run(
        [sys.executable, "-c", HELP_CHILD], capture_output=True, text=True, check=True
    ).stderr.strip()
    return {**{key: min(values) for key, values in samples.items()}, "loaded": loaded}


def run() -> str:
    """Run the benchmark and return its markdown section."""
    cli = measure_help()
    numpy_wall, help_wall = float(str(cli["numpy"])), float(str(cli["help"]))
    result = measure()
    numpy_s, lrdecay_s, first = (float(str(result[k])) for k in ("numpy", "lrdecay", "first use"))
    loaded = result["loaded"] or "none"
    return "\n".join(
        [
            "## (c) Start-up",
            "",
            f"Minimum over {RUNS} fresh processes, timed around the statements themselves.",
            "",
            "| phase | time (ms) | × `import numpy` |",
            "|---|---:|---:|",
            f"| `import numpy` | {numpy_s * 1e3:.1f} | 1.00 |",
            f"| `import lrdecay` after it | {lrdecay_s * 1e3:.1f} | {lrdecay_s / numpy_s:.2f} |",
            f"| first use (`warmup(Cosine(...))(5)`: loads the curves and combinators) | "
            f"{first * 1e3:.1f} | {first / numpy_s:.2f} |",
            "",
            f"- `import lrdecay` adds **{lrdecay_s * 1e3:.1f} ms** to `import numpy` (budget "
            f"25 ms); with the first use, **{(lrdecay_s + first) * 1e3:.1f} ms**.",
            f"- Frameworks or plotting libraries loaded by it: {loaded}.",
            "",
            "Wall time of whole processes (interpreter start-up included), minimum over "
            f"{RUNS} interleaved runs:",
            "",
            '| command | wall (ms) | × `python -c "import numpy"` |',
            "|---|---:|---:|",
            f'| `python -c "import numpy"` | {numpy_wall * 1e3:.0f} | 1.00 |',
            f"| `lrdecay --help` (`python -m lrdecay --help`) | {help_wall * 1e3:.0f} | "
            f"{help_wall / numpy_wall:.2f} |",
            "",
            f"- `lrdecay --help` takes **{help_wall / numpy_wall:.2f}×** the wall time of "
            f'`python -c "import numpy"` (goal: under 1.5×); heavy modules it loads: '
            f"{cli['loaded']}.",
            "",
        ]
    )


if __name__ == "__main__":
    print(run())
