"""The array namespace of torch tensors: ``array_api_compat.torch``, with torch's own functions
where a formula passes a Python number (see :mod:`lrdecay._xp`).

The compat versions of ``minimum``, ``maximum``, ``where``, ``pow`` and the integer and bitwise
functions convert a Python number through ``torch.result_type``, which
``torch.compile(fullgraph=True)`` cannot trace; torch's own accept the number directly. Imported
only when a torch tensor is evaluated.
"""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as _compat
import torch

float32 = torch.float32
float64 = torch.float64
int32 = torch.int32
int64 = torch.int64
uint32 = torch.uint32

asarray = _compat.asarray
astype = _compat.astype
broadcast_to = _compat.broadcast_to
isdtype = _compat.isdtype
searchsorted = torch.searchsorted
take = _compat.take

cos = torch.cos
sin = torch.sin
exp = torch.exp
expm1 = torch.expm1
floor = torch.floor
log = torch.log
log1p = torch.log1p
sqrt = torch.sqrt
where = torch.where
pow = torch.pow
floor_divide = torch.floor_divide
remainder = torch.remainder
bitwise_and = torch.bitwise_and
bitwise_or = torch.bitwise_or
bitwise_xor = torch.bitwise_xor
bitwise_left_shift = torch.bitwise_left_shift
bitwise_right_shift = torch.bitwise_right_shift


def minimum(a: Any, b: Any) -> Any:
    """Elementwise minimum; either argument may be a Python number."""
    if not isinstance(a, torch.Tensor):
        if not isinstance(b, torch.Tensor):
            return min(a, b)  # two numbers (a constant formula): the engine casts the result
        a, b = b, a
    return torch.minimum(a, b) if isinstance(b, torch.Tensor) else torch.clamp_max(a, b)


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum; either argument may be a Python number."""
    if not isinstance(a, torch.Tensor):
        if not isinstance(b, torch.Tensor):
            return max(a, b)  # two numbers (a constant formula): the engine casts the result
        a, b = b, a
    return torch.maximum(a, b) if isinstance(b, torch.Tensor) else torch.clamp_min(a, b)
