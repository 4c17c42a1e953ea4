"""Remake the README's pictures with the tool itself: ``python docs/images/make.py``.

``plot.png`` is ``lrdecay plot``'s output; ``show.svg`` is ``lrdecay show``'s terminal output
(colours included), recorded as an SVG picture of the terminal by rich.
"""

from __future__ import annotations

import subprocess
import sys
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


if __name__ == "__main__":
    main()
