"""The fourteen generated price books are what scripts/build_price_books.py makes from scripts/pricing_data/: a
reviewer reads the data and the script, and the committed YAML cannot drift from them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GENERATED = [
    "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
]  # fmt: skip


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_price_books", REPO / "scripts" / "build_price_books.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize("region", GENERATED)
def test_a_generated_book_is_what_the_script_makes(region: str) -> None:
    template = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    rows = SCRIPT.instances(region, SCRIPT.observed().get(region, {}))
    expected = SCRIPT.render_book(region, SCRIPT.book(region, rows, template), rows)
    assert (REPO / "rules" / "pricing" / f"{region}.yaml").read_text(encoding="utf-8") == expected


def test_sizes_are_derived_pro_rata_and_say_so() -> None:
    rows = {row["type"]: row for row in SCRIPT.instances("eu-west-1", SCRIPT.observed()["eu-west-1"])}
    assert rows["r7i.large"]["usd_per_hour"] == 0.14805
    assert rows["r7i.large"]["uncertain"].endswith("; read")
    assert rows["r7i.16xlarge"]["usd_per_hour"] == pytest.approx(0.14805 * 32)
    assert "derived pro rata by vCPU from r7i.large ($0.14805/h)" in rows["r7i.16xlarge"]["uncertain"]
    assert "g5.2xlarge" in rows  # a GPU type only where it was read
    assert "g5.2xlarge" not in {row["type"] for row in SCRIPT.instances("eu-west-3", SCRIPT.observed()["eu-west-3"])}


def test_a_type_read_as_is_that_the_mirror_lacks_is_named_as_left_out() -> None:
    rows = SCRIPT.instances("eu-west-1", SCRIPT.observed()["eu-west-1"])
    absent = SCRIPT.absent("eu-west-1", rows)
    assert "ec2.instances[p5.48xlarge]" in absent
    assert "ec2.instances[p4d.24xlarge]" not in absent  # listed: read at $35.39655/h
    assert {row["type"] for row in rows} >= {"p4d.24xlarge", "x2iedn.32xlarge", "m7g.16xlarge", "g5.48xlarge"}
    assert SCRIPT.absent("sa-east-1", []) == {}  # no catalogue at all: ec2.instances says why


def test_fargate_linux_comes_from_the_feed_and_agrees_with_the_earlier_table() -> None:
    table = SCRIPT.fargate_linux_x86()
    assert sorted(table) == sorted(set(GENERATED) - {"sa-east-1"})  # São Paulo keeps its x86 and Arm transcription
    frankfurt = table["eu-central-1"]["linux_x86_64"]
    assert (frankfurt["vcpu_hour"]["usd"], frankfurt["gb_hour"]["usd"]) == (0.04656, 0.00511)
    assert "theuves/fgcalc@6e1547cb" in frankfurt["vcpu_hour"]["uncertain"]
    template = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    fargate = SCRIPT.book("eu-central-1", [], template)["fargate"]
    assert fargate["linux_x86_64"]["vcpu_hour"]["usd"] == 0.04656
    assert "'perCPU per hour'" in fargate["linux_x86_64"]["vcpu_hour"]["uncertain"]
    assert fargate["linux_x86_64"]["vcpu_hour"]["uncertain"].endswith(
        "(theuves/fgcalc@6e1547cb, src/utils/data.js) gives the same $0.04656"
    )
    assert (fargate["linux_arm64"]["vcpu_hour"]["usd"], fargate["linux_arm64"]["gb_hour"]["usd"]) == (0.03725, 0.00409)
    sao_paulo = SCRIPT.book("sa-east-1", [], template)["fargate"]  # keeps its transcription of the AWS page
    assert "apoloferreira/basecode" in sao_paulo["linux_arm64"]["vcpu_hour"]["uncertain"]
    assert sao_paulo["ephemeral_storage_gb_hour"]["usd"] == 0.000211


def test_c7i_sizes_are_derived_from_c7i_large_in_proportion() -> None:
    """The mirror prices every c7i size at the same rate per vCPU (Ireland: 4xlarge 0.76608 = 8 x large 0.09576)."""
    rows = {row["type"]: row for row in SCRIPT.instances("eu-west-1", SCRIPT.observed()["eu-west-1"])}
    assert rows["c7i.large"]["usd_per_hour"] == 0.09576
    assert rows["c7i.4xlarge"]["usd_per_hour"] == pytest.approx(0.76608)
    assert rows["c7i.48xlarge"]["usd_per_hour"] == pytest.approx(9.19296)
    assert (rows["c7i.48xlarge"]["vcpu"], rows["c7i.48xlarge"]["memory_gib"]) == (192, 384)
