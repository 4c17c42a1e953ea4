"""Remake the README's pictures with the tool itself: ``python docs/images/make.py``.

``plot.png`` is ``lrdecay plot``'s output; ``show.svg`` is ``lrdecay show``'s terminal output
(colours included), recorded as an SVG picture of the terminal by rich. ``study.png`` and
``study-optimizers.png`` are ``lrdecay study``'s figures (its defaults, then every optimizer;
about a minute and three minutes on two cores), with their tables in ``docs/study.md``;
``find-lr.png`` is ``lrdecay find-lr``'s. ``--quick`` skips the studies.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPECS = [
    "warmup(cosine(init_value=3e-4, decay_steps=9500), steps=500)",
    "torch.OneCycleLR(lr=3e-4, max_lr=3e-4, total_steps=10000)",
    'WSD(3e-4, warmup_steps=500, stable_steps=7500, decay_steps=2000, decay_shape="1-sqrt")',
]


def lrdecay(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lrdecay", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def main() -> None:
    from rich.console import Console
    from rich.text import Text

    title = "Three candidate schedules for 10,000 steps"
    lrdecay("plot", *SPECS, "-o", str(HERE / "plot.png"), "--title", title, "-q")
    shown = lrdecay("show", *SPECS, "--width", "72", "--height", "14", "--color")
    console = Console(record=True, width=100, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(Text.from_ansi(shown))
    console.save_svg(str(HERE / "show.svg"), title="lrdecay show")
    lrdecay("find-lr", "-o", str(HERE / "find-lr.png"), "-q")
    if "--quick" in sys.argv:
        return
    with tempfile.TemporaryDirectory() as folder:
        lrdecay("study", "-o", folder, "-q")
        shutil.copy(Path(folder) / "study.png", HERE / "study.png")
        print((Path(folder) / "study.md").read_text())
        optimizers = "sgd,momentum,adagrad,rmsprop,adadelta,adam"
        lrdecay("study", "--optimizer", optimizers, "-o", folder, "-q")
        shutil.copy(Path(folder) / "study.png", HERE / "study-optimizers.png")
        print((Path(folder) / "study.md").read_text())


if __name__ == "__main__":
    main()
