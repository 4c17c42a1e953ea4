"""timm's schedulers, stepped in a child process for ``test_timm_dialect.py``.

``python timm_dialect_worker.py < cases.json > rates.json``. Each case is ``{"cls": name,
"kwargs": {...}, "lr": rate, "steps": n}``: the worker builds ``torch.optim.SGD`` on one
parameter with ``lr``, the scheduler with ``t_in_epochs=False`` and records the group's ``lr``
after ``scheduler.step_update(k)`` for ``k = 0 .. n - 1``. Each answer is ``{"rates": [...]}``
(``null`` for a rate that is not finite) or ``{"error": "TypeName: message"}`` when timm refuses
the arguments (an assertion) or fails while stepping.

timm's package ``__init__`` imports torchvision, whose wheels may not match the installed torch:
the scheduler modules are loaded on their own, under a stub ``timm`` package that runs no
``__init__``. torch and timm are imported only in :func:`main`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import sys
import types
import warnings
from pathlib import Path
from typing import Any

CLASSES = {
    "CosineLRScheduler": "cosine_lr",
    "TanhLRScheduler": "tanh_lr",
    "PolyLRScheduler": "poly_lr",
    "StepLRScheduler": "step_lr",
    "MultiStepLRScheduler": "multistep_lr",
}


def load_schedulers() -> dict[str, Any]:
    """timm's scheduler classes, without running ``timm/__init__.py``."""
    spec = importlib.util.find_spec("timm")
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("timm is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    for name, path in (("timm", root), ("timm.scheduler", root / "scheduler")):
        stub = types.ModuleType(name)
        stub.__path__ = [str(path)]
        sys.modules[name] = stub
    return {
        cls: getattr(importlib.import_module(f"timm.scheduler.{module}"), cls)
        for cls, module in CLASSES.items()
    }


def main() -> None:
    import logging

    import torch

    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    classes = load_schedulers()
    results: list[dict[str, Any]] = []
    for case in json.load(sys.stdin):
        parameter = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([parameter], lr=case["lr"])
        try:
            scheduler = classes[case["cls"]](optimizer, t_in_epochs=False, **case["kwargs"])
            rates: list[float | None] = []
            for k in range(case["steps"]):
                scheduler.step_update(k)
                rate = float(optimizer.param_groups[0]["lr"])
                rates.append(rate if math.isfinite(rate) else None)
            results.append({"rates": rates})
        except (AssertionError, ValueError, TypeError, ZeroDivisionError, OverflowError) as error:
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
