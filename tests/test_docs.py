"""The examples of the documentation run: every ``>>>`` example of ``docs/*.md`` is a doctest.

Each page runs in its own process (its examples may import TensorFlow, whose state must not leak
into this one), from the repository's root.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from frameworks import require

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if ">>> " in p.read_text(encoding="utf-8"))

RUNNER = """
import doctest, sys
flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
result = doctest.testfile(sys.argv[1], module_relative=False, optionflags=flags)
print(f"{result.attempted} examples, {result.failed} failed")
sys.exit(1 if result.failed or not result.attempted else 0)
"""


def test_the_documented_pages_have_examples() -> None:
    names = {p.name for p in PAGES}
    assert {"tf1-differences.md", "testing.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_examples_run(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    imports = " ".join(line for line in text.splitlines() if re.search(r"\b(import|from)\b", line))
    for module in ("tensorflow", "torch", "jax", "optax", "keras"):
        if re.search(rf"\b{module}\b", imports):
            require(module)
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 0, f"{page.name}:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
