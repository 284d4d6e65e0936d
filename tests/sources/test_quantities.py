"""Kubernetes quantities: every suffix Kubernetes reads, exponents, and a clear problem for what it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.sources import find_workloads
from decider.sources.quantities import QuantityError, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250000000n", 0.25),  # nano
        ("250000u", 0.25),  # micro
        ("250m", 0.25),  # milli
        ("2", 2.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("+1", 1.0),
        ("2k", 2e3),
        ("2M", 2e6),
        ("2G", 2e9),
        ("2T", 2e12),
        ("2P", 2e15),
        ("2E", 2e18),  # E alone is exa, not an exponent
        ("2Ki", 2 * 1024.0),
        ("2Mi", 2 * 1024.0**2),
        ("2Gi", 2 * 1024.0**3),
        ("2Ti", 2 * 1024.0**4),
        ("2Pi", 2 * 1024.0**5),
        ("2Ei", 2 * 1024.0**6),
        ("128e6", 128e6),
        ("1E3", 1e3),
        ("1e-3", 1e-3),
        ("1.5e+2", 150.0),
        (" 1Gi ", 1024.0**3),
        (3, 3.0),
        (0.25, 0.25),
    ],
)
def test_every_suffix_and_exponent(text: object, value: float) -> None:
    assert parse_quantity(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1Gb", "'Gb' is not a suffix (did you mean G or Gi?); allowed: n u m k M G T P E, Ki Mi Gi Ti Pi Ei"),
        ("1K", "'K' is not a suffix (did you mean k or Ki?)"),
        ("1MiB", "'MiB' is not a suffix (did you mean Mi?)"),
        ("1e3m", "'e3m' is not a suffix"),  # an exponent and a suffix cannot both be given
        ("1 Gi", "' Gi' is not a suffix"),
        ("1e", "'e' is not a suffix"),
        ("Gi", "it does not start with a number"),
        ("", "it does not start with a number"),
        ("-1", "a resource cannot be negative"),
        ("1e400", "the exponent 400 is out of reach"),
        ("1" + "0" * 400, "too large"),
        (float("inf"), "not a finite number"),
        (True, "expected a number or text"),
        (None, "expected a number or text"),
    ],
)
def test_unreadable_quantities_say_what_is_wrong(text: object, words: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text)
    assert words in str(caught.value)
    assert str(caught.value).startswith(repr(text))


def deployment(tmp_path: Path, cpu: str, memory: str) -> Path:
    manifest = tmp_path / "d.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
        f"      containers: [{{name: c, resources: {{requests: {{cpu: {cpu!r}, memory: {memory!r}}}}}}}]\n"
    )
    return manifest


@pytest.mark.parametrize(
    ("cpu", "memory", "vcpu", "memory_mb"),
    [
        ("250000u", "128e6", 0.25, 122),  # 128,000,000 bytes is 122 MiB
        ("500000000n", "2Ki", 0.5, 1),  # a memory_mb under 1 is kept at 1
        ("1500m", "0.5Gi", 1.5, 512),
        ("2", "1.5G", 2.0, 1431),
        ("1e0", "1Ti", 1.0, 1048576),
    ],
)
def test_manifest_quantities(tmp_path: Path, cpu: str, memory: str, vcpu: float, memory_mb: int) -> None:
    [found] = find_workloads([str(deployment(tmp_path, cpu, memory))]).workloads
    assert found.raw["runtime"] == {"vcpu": vcpu, "memory_mb": memory_mb}


def test_an_unreadable_manifest_quantity_is_ignored_and_said_so(tmp_path: Path) -> None:
    [found] = find_workloads([str(deployment(tmp_path, "2 cores", "1Gb"))]).workloads
    assert "vcpu" not in found.raw.get("runtime", {})
    assert "Deployment d: cpu '2 cores' is not a Kubernetes quantity: ' cores' is not a suffix" in "\n".join(
        found.assumptions
    )
    assert any(
        "memory '1Gb' is not a Kubernetes quantity: 'Gb' is not a suffix (did you mean G or Gi?)" in text
        for text in found.assumptions
    )
