"""transformers' schedulers, stepped in a child process for ``test_transformers_dialect.py``.

``python transformers_dialect_worker.py < cases.json > rates.json``. Each case is ``{"function":
name, "args": [...], "kwargs": {...}, "lr": rate, "steps": n}``: the worker builds
``torch.optim.SGD`` on one parameter with ``lr``, calls ``transformers.optimization.<name>(
*args, optimizer, **kwargs)`` (``get_scheduler`` takes the name first) and records the group's
``lr`` after 0, 1, ..., ``n - 1`` calls of ``scheduler.step()``. Each answer is ``{"rates":
[...]}`` (``null`` for a rate that is not finite) or ``{"error": "TypeName: message"}`` when
transformers refuses the arguments or fails while stepping. torch and transformers are imported
only in :func:`main`: pytest collects this module and must not import them.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from typing import Any


def main() -> None:
    import torch
    from transformers import optimization

    warnings.simplefilter("ignore")
    results: list[dict[str, Any]] = []
    for case in json.load(sys.stdin):
        parameter = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([parameter], lr=case["lr"])
        try:
            function = getattr(optimization, case["function"])
            scheduler = function(*case["args"], optimizer, **case["kwargs"])
            rates: list[float | None] = []
            for k in range(case["steps"]):
                if k:
                    scheduler.step()
                rate = float(optimizer.param_groups[0]["lr"])
                rates.append(rate if math.isfinite(rate) else None)
            results.append({"rates": rates})
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as error:
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
