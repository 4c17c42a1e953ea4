"""``make mutation``'s report: the mutation score from mutmut's results (``mutants/**/*.meta``).

Prints the mutants per module and the score: the share killed, counting a timeout or a crash as
killed (the suite catches a mutant that hangs or kills it). Lists the rest, and exits 1 when the
score is below the bar (95 %). Equivalent mutants are accounted for in ``docs/testing.md``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

BAR = 0.95
KILLED = {1, 3, 36, 37, -24, 24, 152, 255, -9, -11}  # failed, timed out, crashed, type error
SURVIVED = {0}


def main(root: str = "mutants") -> int:
    totals: Counter[str] = Counter()
    survivors: list[str] = []
    for meta in sorted(Path(root).rglob("*.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts: Counter[str] = Counter()
        for name, code in codes.items():
            kind = (
                "killed" if code in KILLED else "survived" if code in SURVIVED else f"other {code}"
            )
            counts[kind] += 1
            if kind != "killed":
                survivors.append(f"{name}: {kind}")
        totals.update(counts)
        module = meta.relative_to(root).as_posix().removesuffix(".meta")
        print(f"{module:40} {sum(counts.values()):5} mutants, {dict(sorted(counts.items()))}")
    total = sum(totals.values())
    if not total:
        print("no results: run `make mutation` first")
        return 1
    score = totals["killed"] / total
    print("\n".join(sorted(survivors)))
    print(f"score: {totals['killed']} of {total} mutants killed ({score:.1%}); bar {BAR:.0%}")
    return 0 if score >= BAR else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
