"""How numbers and values read in messages: the same in rule explanations, assumptions and summaries."""

from __future__ import annotations

import math


def number(value: float) -> str:
    """A number as a person writes it: 0.38, 1.5, 1,200, 0.00003."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1:
        text = f"{value:.4g}"
        # 999.99 rounds up to four significant figures as "1000": write it as the thousands above are written.
        return f"{float(text):,.0f}" if abs(float(text)) >= 1000 else text
    digits = 1 - math.floor(math.log10(abs(value))) + 1
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def show(value: object) -> str:
    """Any workload or fact value as text: booleans as true/false, numbers by number(), lists joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number(float(value))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if value is None:
        return "not set"
    return str(value)


def apart(first: float, second: float) -> tuple[str, str]:
    """Two numbers as number() writes them, with more decimals where that would write two different numbers alike (a
    message that says one figure is below another must not print them equal, or the other way round)."""
    texts = number(first), number(second)
    if texts[0] != texts[1] or first == second:
        return texts
    for decimals in range(1, 10):
        texts = f"{first:,.{decimals}f}", f"{second:,.{decimals}f}"
        if texts[0] != texts[1]:
            break
    return texts[0].rstrip("0").rstrip("."), texts[1].rstrip("0").rstrip(".")
