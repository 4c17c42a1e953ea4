"""A pytest plugin that ``make mutation`` loads (``-p tests.mutation_plugin``, see pyproject.toml's
``[tool.mutmut]``); ``make test`` does not (importing this module changes nothing: the patch is
applied by the ``pytest_configure`` hook, which runs only when pytest loads it as a plugin).

Hypothesis biases its sample towards the literals it finds in the project's own modules. Under
mutmut those modules are the mutated copies, whose literals are the mutants' (``2**54`` for
``2**53``, ``"XXvalueXX"`` for ``"value"``, ...), so the fixed sample would follow the mutants
rather than the tests. Here Hypothesis finds no project literals: the sample is the same for
every mutant and every run of ``make mutation``.
"""

from __future__ import annotations

import pytest
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants

_NONE = Constants()


def _no_local_constants() -> Constants:
    return _NONE


def pytest_configure(config: pytest.Config) -> None:
    providers._get_local_constants = _no_local_constants
