r"""Schedules written as text: the spec language of the command line and of config files.

A *spec* is one expression in a small, safe subset of Python's syntax::

    warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)
    tf1.cosine_decay(learning_rate=0.01, decay_steps=10000, alpha=0.001)
    torch.OneCycleLR(lr=0.1, max_lr=0.1, total_steps=1000)
    0.5 * Cosine(init_value=1.0, decay_steps=100) + 0.01

* **calls** of the names in one registry (:func:`names`): lrdecay's schedule classes (``Cosine``)
  and their snake-case names (``cosine``, ``one_cycle``), its helpers (``warmup``, ``linear``,
  ``hold``, ...), and every dialect under its framework's prefix (``tf1.``, ``torch.``,
  ``keras.``, ``optax.``, ``transformers.``, ``timm.``), with positional and keyword arguments;
* **values**: numbers (with a sign), ``inf``, strings, ``True``/``False``/``None``, lists and
  tuples, dicts with constant keys (optax's ``boundaries_and_scales``);
* **arithmetic** on schedules and numbers: ``+ - * /``.

The text is parsed by Python's :mod:`ast` and every node is checked against that whitelist before
anything is built: nothing is evaluated, and nothing is imported by a name taken from the text
(the dialect modules are a fixed list). A mistake is reported with where it is::

    unknown schedule 'cosin' at column 1; did you mean 'cosine'?

:func:`to_spec` writes a schedule as a spec (its class and the fields that differ from their
defaults) that parses back to an equal schedule; :func:`load` reads a config file (JSON, YAML
with the safe loader, TOML) holding :func:`~lrdecay.to_config`'s format, a ``spec`` string or,
in YAML, the spec itself.

Example:
    >>> import lrdecay
    >>> s = lrdecay.parse("warmup(cosine(init_value=3e-4, decay_steps=10000), steps=500)")
    >>> s == lrdecay.warmup(lrdecay.Cosine(3e-4, decay_steps=10000), steps=500)
    True
    >>> lrdecay.to_spec(lrdecay.Cosine(0.1, decay_steps=1000))
    'Cosine(init_value=0.1, decay_steps=1000)'
    >>> lrdecay.parse(lrdecay.to_spec(s)) == s
    True
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import importlib
import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lrdecay._core import Schedule, registry

__all__ = ["SpecError", "from_document", "load", "names", "parse", "read_document", "to_spec"]

MAX_LENGTH = 100_000
"""The longest spec accepted, in characters."""

DIALECTS = ("keras", "optax", "tf1", "timm", "torch", "transformers")
"""The prefixes of the dialects (``lrdecay.compat.<prefix>``)."""

_HELPERS = (
    "burn_in",
    "floor",
    "hold",
    "inverse_sqrt",
    "linear",
    "multistep",
    "scale",
    "step_decay",
    "warmup",
    "with_floor",
)
"""lrdecay's functions that build schedules (the classes come from the registry)."""


class SpecError(ValueError):
    """A spec or config that cannot be read: the message says what is wrong and where."""


def _snake(name: str) -> str:
    """A class name in snake case: ``OneCycle`` -> ``one_cycle``, ``WSD`` -> ``wsd``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _core_names() -> dict[str, Callable[..., Any]]:
    import lrdecay

    found: dict[str, Callable[..., Any]] = {}
    for name, cls in registry().items():
        if cls.__module__.startswith("lrdecay."):
            found[name] = cls
            found.setdefault(_snake(name), cls)
        else:  # a user's registered class, by its module and qualified name
            found[name] = cls
    for name in _HELPERS:
        found[name] = getattr(lrdecay, name)
    return found


def names(prefix: str | None = None) -> dict[str, Callable[..., Any]]:
    """The registry of the spec language: every name a spec may call.

    Args:
        prefix: ``None`` for lrdecay's own names (classes, their snake-case names, helpers and
            users' registered classes); a dialect's prefix (``"torch"``) for its functions, as
            ``"torch.OneCycleLR"``.

    Example:
        >>> from lrdecay.spec import names
        >>> names()["cosine"] is names()["Cosine"]
        True
        >>> "torch.OneCycleLR" in names("torch")
        True
    """
    if prefix is None:
        return _core_names()
    if prefix not in DIALECTS:
        raise ValueError(f"names: prefix must be one of {', '.join(DIALECTS)}, got {prefix!r}")
    module = importlib.import_module(f"lrdecay.compat.{prefix}")
    found = {n: getattr(module, n) for n in module.__all__}
    return {f"{prefix}.{n}": f for n, f in found.items() if callable(f)}


def _all_names() -> list[str]:
    found = list(_core_names())
    for prefix in DIALECTS:
        found += list(names(prefix))
    return found


# --------------------------------------------------------------------------- parsing
class _Reader:
    """Builds the value of a checked expression, node by node."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.core = _core_names()

    def where(self, node: ast.AST) -> str:
        return f"at column {getattr(node, 'col_offset', 0) + 1}"

    def fail(self, node: ast.AST, message: str) -> SpecError:
        return SpecError(f"{message} {self.where(node)}")

    def dotted(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            head = self.dotted(node.value)
            return None if head is None else f"{head}.{node.attr}"
        return None

    def function(self, node: ast.Call) -> tuple[str, Callable[..., Any]]:
        name = self.dotted(node.func)
        if name is None:
            raise self.fail(node, "a schedule must be called by its name")
        if name in self.core:
            return name, self.core[name]
        prefix, _, rest = name.partition(".")
        if prefix in DIALECTS and rest:
            table = names(prefix)
            if name in table:
                return name, table[name]
            pool = list(table)
        else:
            pool = _all_names()
        close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise SpecError(f"unknown schedule {name!r} {self.where(node)}{hint}")

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float | str) or node.value is None:
                return node.value
            raise self.fail(node, f"{node.value!r} is not a number, a string, a bool or None")
        if isinstance(node, ast.Name):
            if node.id == "inf":
                return math.inf
            if node.id in self.core or node.id in DIALECTS:
                raise self.fail(node, f"{node.id!r} must be called: write {node.id}(...)")
            raise self.fail(node, f"unknown name {node.id!r} (strings are quoted)")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.value(node.operand)
            if isinstance(operand, bool) or not isinstance(operand, int | float | Schedule):
                raise self.fail(node, "a sign goes with a number or a schedule")
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.List | ast.Tuple):
            return [self.value(item) for item in node.elts]
        if isinstance(node, ast.Dict):
            result = {}
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise self.fail(node, "'**' is not allowed in a spec")
                k = self.value(key)
                if isinstance(k, list | dict | Schedule):
                    raise self.fail(key, "a dict key must be a number or a string")
                result[k] = self.value(item)
            return result
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Add | ast.Sub | ast.Mult | ast.Div
        ):
            return self.arithmetic(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        kind = type(node).__name__
        raise self.fail(
            node,
            f"{kind} is not allowed in a spec (only calls, numbers, strings, "
            "lists, dicts and + - * /)",
        )

    def arithmetic(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        for side, v in ((node.left, left), (node.right, right)):
            if isinstance(v, bool) or not isinstance(v, int | float | Schedule):
                raise self.fail(side, "+ - * / take schedules and numbers")
        try:
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as error:
            raise self.fail(node, f"{error}") from error

    def call(self, node: ast.Call) -> Any:
        name, function = self.function(node)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, "'*' is not allowed in a spec")
            args.append(self.value(arg))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.fail(keyword.value, "'**' is not allowed in a spec")
            kwargs[keyword.arg] = self.value(keyword.value)
        try:
            return function(*args, **kwargs)
        except (ValueError, TypeError, OverflowError, ZeroDivisionError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise SpecError(f"{name}(...) {self.where(node)}: {message}") from error


def parse(text: str) -> Schedule:
    """The schedule a spec describes.

    Args:
        text: A spec (see :mod:`lrdecay.spec`).

    Returns:
        The schedule.

    Raises:
        SpecError: The text is not a spec, names an unknown schedule, or a constructor refused
            its arguments; the message says what and where.

    Example:
        >>> import lrdecay
        >>> round(lrdecay.parse("tf1.cosine_decay(learning_rate=0.01, decay_steps=100)")(50), 12)
        0.005
        >>> lrdecay.parse("cosin(0.1, 100)")
        Traceback (most recent call last):
        ...
        lrdecay.spec.SpecError: unknown schedule 'cosin' at column 1; did you mean 'cosine'?
    """
    if not isinstance(text, str):
        raise TypeError(f"parse: text must be a str, got {text!r} ({type(text).__name__})")
    if len(text) > MAX_LENGTH:
        raise SpecError(f"a spec is at most {MAX_LENGTH} characters, got {len(text)}")
    if not text.strip():
        raise SpecError(
            "empty spec: write a schedule, e.g. cosine(init_value=0.1, decay_steps=1000)"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        column = f" at column {error.offset}" if error.offset else ""
        raise SpecError(f"invalid spec{column}: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise SpecError(f"invalid spec: {error}") from None
    try:
        value = _Reader(text.strip()).value(tree.body)
    except RecursionError:
        raise SpecError("invalid spec: nested too deeply") from None
    if isinstance(value, bool) or not isinstance(value, Schedule | int | float):
        raise SpecError(f"a spec must describe a schedule, got {value!r} ({type(value).__name__})")
    if not isinstance(value, Schedule):
        from lrdecay.curves import Constant

        return Constant(float(value))
    return value


# --------------------------------------------------------------------------- writing
def _write(value: Any) -> str:
    if isinstance(value, Schedule):
        return to_spec(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return "inf" if value == math.inf else ("-inf" if value == -math.inf else repr(value))
    if isinstance(value, int | str):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_write(v) for v in value) + "]"
    raise TypeError(f"to_spec: cannot write {value!r} ({type(value).__name__})")


def to_spec(schedule: Schedule) -> str:
    """A spec that :func:`parse` reads back as an equal schedule.

    The schedule's class (its name in configs) with its fields as keyword arguments, leaving out
    those equal to their defaults.

    Args:
        schedule: The schedule to write.

    Returns:
        The spec.

    Example:
        >>> import lrdecay
        >>> lrdecay.to_spec(lrdecay.Restarts(lrdecay.Cosine(1.0, 10), period_steps=10))
        'Restarts(schedule=Cosine(init_value=1.0, decay_steps=10), period_steps=10)'
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(
            f"to_spec: schedule must be a Schedule, got {schedule!r} ({type(schedule).__name__})"
        )
    parts = []
    for field in dataclasses.fields(schedule):
        value = getattr(schedule, field.name)
        if field.default is not dataclasses.MISSING and _same(value, field.default):
            continue
        parts.append(f"{field.name}={_write(value)}")
    return f"{type(schedule)._registry_name}({', '.join(parts)})"


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- config files
def _parse_in(text: str, where: str) -> Schedule:
    try:
        return parse(text)
    except SpecError as error:
        raise SpecError(f"{where}: {error}") from None


def from_document(document: Any, where: str = "config") -> Schedule:
    """The schedule a config document describes (what :func:`load` does after reading a file):
    a :func:`~lrdecay.to_config` mapping (with ``"type"``), a mapping ``{"spec": "<spec>"}``,
    or a spec string. ``where`` names the document in errors.

    Example:
        >>> from lrdecay.spec import from_document
        >>> from_document({"spec": "cosine(0.1, 100)"})
        Cosine(init_value=0.1, decay_steps=100, end_value=0.0, num_periods=0.5)
    """
    from lrdecay.config import from_config

    if isinstance(document, str):
        return _parse_in(document, where)
    if isinstance(document, Mapping):
        if "spec" in document and "type" not in document:
            if not isinstance(document["spec"], str):
                raise SpecError(f"{where}: 'spec' must be a string, got {document['spec']!r}")
            return _parse_in(document["spec"], where)
        if "type" in document:
            try:
                return from_config(dict(document))
            except (ValueError, TypeError) as error:
                raise SpecError(f"{where}: {error}") from error
    raise SpecError(
        f"{where}: expected a schedule config (a mapping with 'type'), a mapping with 'spec', "
        f"or a spec string, got {type(document).__name__}"
    )


def load(path: str | os.PathLike[str]) -> Schedule:
    """The schedule in a config file: ``.json``, ``.yaml``/``.yml`` (the safe loader) or
    ``.toml``.

    The file holds :func:`~lrdecay.to_config`'s format (``{"type": "Cosine", ...}``), or a
    mapping ``{"spec": "<spec>"}``, or (YAML, JSON) the spec as a string. Nothing in the file is
    evaluated.

    Args:
        path: The file.

    Returns:
        The schedule.

    Raises:
        SpecError: The file's suffix is unknown, its content does not parse, or it describes no
            valid schedule.
        OSError: The file cannot be read.

    Example:
        >>> import json, tempfile, pathlib, lrdecay
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "s.json").write_text(lrdecay.dumps(lrdecay.Cosine(0.1, 100)))
        >>> lrdecay.load(folder / "s.json") == lrdecay.Cosine(0.1, 100)
        True
    """
    file = Path(path)
    return from_document(read_document(file), str(file))


def read_document(path: str | os.PathLike[str]) -> Any:
    """The data in a ``.json``, ``.yaml``/``.yml`` (the safe loader) or ``.toml`` file: plain
    mappings, lists, strings and numbers; nothing in it is evaluated.

    Raises:
        SpecError: The suffix is unknown or the content does not parse.
        OSError: The file cannot be read.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".toml"):
        raise SpecError(
            f"{file}: unknown config format {suffix or '(no suffix)'!r}: use .json, .yaml, .yml "
            "or .toml"
        )
    text = file.read_text(encoding="utf-8")
    try:
        if suffix == ".json":
            import json

            document = json.loads(text)
        elif suffix == ".toml":
            import tomllib

            document = tomllib.loads(text)
        else:
            import yaml

            document = yaml.safe_load(text)
    except ValueError as error:  # (json and tomllib errors are ValueErrors)
        raise SpecError(f"{file}: not valid {suffix[1:].upper()}: {error}") from None
    except Exception as error:  # yaml.YAMLError, whose module is imported only here
        if type(error).__module__.startswith("yaml"):
            message = str(error).replace("\n", " ")
            raise SpecError(f"{file}: not valid YAML: {message}") from None
        raise
    return document
