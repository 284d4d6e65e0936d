"""How numbers and values read in messages, assumptions and summaries."""

from __future__ import annotations

import pytest

from decider.numbers import number, show


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.38, "0.38"),
        (1.5, "1.5"),
        (12.3456, "12.35"),
        (900, "900"),
        (999.99, "1,000"),
        (1200, "1,200"),
        (10240.0, "10,240"),
        (1_234_567.8, "1,234,568"),
        (0.00003, "0.00003"),
        (0.5707762557, "0.571"),
        (-4, "-4"),
        (-0.25, "-0.25"),
        (-1500, "-1,500"),
        (float("inf"), "inf"),
    ],
)
def test_numbers_read_as_people_write_them(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (None, "not set"),
        (3, "3"),
        (2.5, "2.5"),
        (("http", "grpc"), "[http, grpc]"),
        ([], "[]"),
        ("spiky", "spiky"),
    ],
)
def test_values_read_as_people_write_them(value: object, text: str) -> None:
    assert show(value) == text
