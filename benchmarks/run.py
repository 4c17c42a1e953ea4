"""Run every benchmark and write ``docs/benchmarks.md``.

Speed is reported as ratios against a reference measured in the same run, never as absolute
targets asserted in tests. Run on an otherwise idle machine: ``make bench``.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_curve  # noqa: E402
import bench_gallery  # noqa: E402
import bench_import  # noqa: E402
import bench_optax  # noqa: E402
import bench_study  # noqa: E402
import bench_torch  # noqa: E402


def main() -> int:
    sections = []
    for module in (
        bench_curve,
        bench_gallery,
        bench_import,
        bench_torch,
        bench_optax,
        bench_study,
    ):
        print(f"running {module.__name__} ...", file=sys.stderr, flush=True)
        sections.append(module.run())
    today = datetime.date.today().isoformat()
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Written by `benchmarks/run.py` (`make bench`) on {today}. Every figure is a ratio "
            "against a reference measured in the same run.",
            "",
            *sections,
        ]
    )
    out = HERE.parent / "docs" / "benchmarks.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
