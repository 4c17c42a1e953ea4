"""Schedules as plain data: ``to_config`` / ``from_config`` and JSON.

A config is a JSON-able ``dict``: ``{"type": <class name>, <field>: <value>, ...}``, where a value
is a number, a bool, ``None``, a list, or a nested schedule config. The schema is the dataclass
fields of each class, so it cannot drift from the code. Parsing looks names up in one registry and
never evaluates anything.

Example:
    >>> import lrdecay
    >>> s = lrdecay.warmup(lrdecay.Cosine(0.1, decay_steps=1000), steps=100)
    >>> lrdecay.from_config(lrdecay.to_config(s)) == s
    True
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

from lrdecay._core import ParameterError, Schedule, registry

__all__ = ["dumps", "from_config", "loads", "to_config"]


def _encode(value: Any) -> Any:
    if isinstance(value, Schedule):
        return to_config(value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def to_config(schedule: Schedule) -> dict[str, Any]:
    """The schedule as a plain, JSON-able ``dict`` (nested schedules become nested dicts)."""
    if not isinstance(schedule, Schedule):
        raise TypeError(
            f"to_config: schedule must be a Schedule, got {schedule!r} ({type(schedule).__name__})"
        )
    config: dict[str, Any] = {"type": type(schedule)._registry_name}
    for field in dataclasses.fields(schedule):
        config[field.name] = _encode(getattr(schedule, field.name))
    return config


def _decode(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        return _build(value, f"{where}.")
    if isinstance(value, list | tuple):
        return tuple(_decode(v, f"{where}[{i}]") for i, v in enumerate(value))
    if value is None or isinstance(value, bool | str | numbers.Real):
        return value
    raise TypeError(
        f"from_config: {where} must be a number, a bool, null, a list or a schedule config, "
        f"got {value!r} ({type(value).__name__})"
    )


def from_config(config: dict[str, Any]) -> Schedule:
    """Rebuild a schedule from :func:`to_config`'s output, validating every field.

    Errors say where in the config the bad value is: ``from_config: schedules[0].init_value must
    be a real number, got 'x' (str)``. A ``type`` names one of lrdecay's classes (``"Cosine"``)
    or a user's :class:`~lrdecay.Schedule` subclass by its module and qualified name
    (``"mypackage.schedules.MyCurve"``); the module must already be imported: nothing is
    imported, evaluated or unpickled from a config.

    Example:
        >>> from lrdecay import from_config
        >>> from_config({"type": "Join", "schedules": [{"type": "Cosine", "init_value": "x",
        ...     "decay_steps": 10}], "boundaries": []})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        lrdecay._core.ParameterTypeError: from_config: schedules[0].init_value must be a real ...
    """
    return _build(config, "")


def _build(config: Any, path: str) -> Schedule:
    """The schedule of ``config``, found at ``path`` (``""``, or e.g. ``"schedules[0]."``)."""
    where = path[:-1] if path else "config"
    if not isinstance(config, dict):
        raise TypeError(
            f"from_config: {where} must be a dict, got {config!r} ({type(config).__name__})"
        )
    kind = config.get("type")
    classes = registry()
    if not isinstance(kind, str) or kind not in classes:
        known = ", ".join(sorted(classes))
        raise ValueError(f"from_config: {path}type must be one of {known}; got {kind!r}")
    cls = classes[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in config.items():
        if key == "type":
            continue
        if key not in fields:
            raise TypeError(
                f"from_config: {kind} at {where} has no parameter {key!r} (got {key}={value!r}); "
                f"its parameters are {', '.join(fields)}"
            )
        kwargs[key] = _decode(value, f"{path}{key}")
    missing = [
        name
        for name, f in fields.items()
        if name not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise TypeError(
            f"from_config: {kind} config at {where} is missing {', '.join(map(repr, missing))}"
        )
    try:
        return cls(**kwargs)
    except ParameterError as error:
        # the class's own complaint about one of its fields: say where the field is
        located = type(error)("from_config", f"{path}{error.name}", error.detail)
        raise located from None


def dumps(schedule: Schedule, **kwargs: Any) -> str:
    """The schedule's config as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
    import json

    return json.dumps(to_config(schedule), **kwargs)


def loads(text: str) -> Schedule:
    """Parse a JSON string written by :func:`dumps` (a real JSON parser; nothing is evaluated)."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"loads: not valid JSON: {exc}") from None
    return from_config(data)
