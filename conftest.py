"""Collection of ``src/lrdecay`` (its doctests): a module that imports a framework is collected
only where that framework is installed. ``make test`` installs them all (and requires them: see
``tests/frameworks.py``); a plain ``pytest`` without the extras skips those modules' doctests
instead of failing to import them."""

from __future__ import annotations

import importlib.util

_FRAMEWORK_MODULES = {
    "src/lrdecay/_xp_tf.py": "tensorflow",
    "src/lrdecay/_xp_torch.py": "torch",
    "src/lrdecay/torch.py": "torch",
    "src/lrdecay/keras.py": "keras",
}

collect_ignore = [
    path for path, module in _FRAMEWORK_MODULES.items() if importlib.util.find_spec(module) is None
]
