"""Kubernetes resource quantities (``500m``, ``0.5``, ``512Mi``, ``1G``, ``128e6``) as plain numbers.

The form is Kubernetes' own (k8s.io/apimachinery resource.Quantity): a number, optionally signed, with at most one
suffix: decimal ``n u m k M G T P E`` (10^-9 … 10^18), binary ``Ki Mi Gi Ti Pi Ei`` (2^10 … 2^60), or an exponent
``e``/``E`` and a whole number (``128e6``; ``1E`` alone is an exa). CPU is counted in cores and memory in bytes.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = ["QuantityError", "parse_quantity"]

_QUANTITY = re.compile(r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?P<suffix>.*)")
_EXPONENT = re.compile(r"[eE](?P<power>[+-]?\d+)")
_SUFFIXES = {
    "n": Decimal(10) ** -9,
    "u": Decimal(10) ** -6,
    "m": Decimal(10) ** -3,
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}
_ALLOWED = "n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or an exponent as in 128e6"
#: Suffixes people write that Kubernetes does not read, and what they likely meant.
_LIKELY = {"K": "k or Ki", "Kb": "k or Ki", "KB": "k or Ki", "Mb": "M or Mi", "MB": "M or Mi", "Gb": "G or Gi"}
_LIKELY |= {"GB": "G or Gi", "Tb": "T or Ti", "TB": "T or Ti", "KiB": "Ki", "MiB": "Mi", "GiB": "Gi", "TiB": "Ti"}


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity; the message says which part is wrong and what is allowed."""


def parse_quantity(value: object) -> float:
    """A Kubernetes quantity as a number of base units: ``"500m"`` is 0.5, ``"1Ki"`` 1024, ``"1e3"`` 1000."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise QuantityError(f"{value!r} is not a Kubernetes quantity: expected a number or text such as 500m or 1Gi")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise QuantityError(f"{value!r} is not a Kubernetes quantity: not a finite number")
        amount = Decimal(value)
    else:
        amount = _read(value)
    if amount < 0:
        raise QuantityError(f"{value!r} is not a usable quantity: a resource cannot be negative")
    result = float(amount)
    if not math.isfinite(result):
        raise QuantityError(f"{value!r} is not a usable quantity: too large")
    return result


def _read(text: str) -> Decimal:
    match = _QUANTITY.fullmatch(text.strip())
    if match is None:
        raise QuantityError(f"{text!r} is not a Kubernetes quantity: it does not start with a number")
    number, suffix = Decimal(match.group("number")), match.group("suffix")
    if suffix in _SUFFIXES:
        return number * _SUFFIXES[suffix]
    exponent = _EXPONENT.fullmatch(suffix)
    if exponent is not None:
        power = int(exponent.group("power"))
        if abs(power) > 100:
            raise QuantityError(f"{text!r} is not a usable quantity: the exponent {power} is out of reach")
        return number * Decimal(10) ** power
    likely = f" (did you mean {_LIKELY[suffix]}?)" if suffix in _LIKELY else ""
    raise QuantityError(
        f"{text!r} is not a Kubernetes quantity: {suffix!r} is not a suffix{likely}; allowed: {_ALLOWED}"
    )
