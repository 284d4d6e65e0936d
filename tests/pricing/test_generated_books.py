"""The fourteen generated price books are what scripts/build_price_books.py makes from scripts/pricing_data/: a
reviewer reads the data and the script, and the committed YAML cannot drift from them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GENERATED = [
    "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
]  # fmt: skip


def _script(name: str = "build_price_books") -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
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
    assert "ec2.instances[p4d.24xlarge]" not in absent  # listed: read at $23.71569/h, after the 2025 cut
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


def test_the_newer_feed_takes_precedence_and_names_itself() -> None:
    """The P-series is read from the newer feed (after AWS's 2025 cut); the older mirror's other rows stay as read."""
    read = SCRIPT.observed()
    assert read["us-east-1"]["p5.48xlarge"] == (55.04, SCRIPT.EC2_FEED)  # the older mirror's 98.32 predates the cut
    assert read["eu-west-1"]["m6i.xlarge"] == (0.214, SCRIPT.MIRROR)
    rows = {row["type"]: row for row in SCRIPT.instances("eu-west-1", read["eu-west-1"])}
    assert rows["p4d.24xlarge"]["usd_per_hour"] == 23.71569
    assert SCRIPT.EC2_FEED in rows["p4d.24xlarge"]["uncertain"]
    assert SCRIPT.MIRROR in rows["m6i.2xlarge"]["uncertain"]


def test_a_family_read_at_every_size_is_listed_as_read() -> None:
    """Sao Paulo's Graviton prices are rounded size by size (c7g.medium $0.0555, not a quarter of the xlarge's
    $0.2222): every size is listed as the feed gives it, none derived."""
    rows = {row["type"]: row for row in SCRIPT.instances("sa-east-1", SCRIPT.observed()["sa-east-1"])}
    assert rows["c7g.medium"]["usd_per_hour"] == 0.0555
    assert rows["c7g.xlarge"]["usd_per_hour"] == 0.2222
    assert all(row["uncertain"].endswith("; read") for row in rows.values())
    assert {"m6i.32xlarge", "r7g.16xlarge", "x2iedn.32xlarge", "g6.48xlarge", "p5.48xlarge"} <= set(rows)


def _feed(rows: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    return [
        {"region": region, "attributes": {"instanceType": kind, "operatingSystem": "Linux"}, "pricePerUnit": usd}
        for region, kind, usd in rows
    ]


def test_the_extraction_writes_the_p_series_and_sao_paulo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = _script("extract_ec2_feed")
    (tmp_path / "ec2_linux.csv").write_text("us-east-1,m6i.xlarge,0.192\neu-west-1,g5.xlarge,1.123\n")
    monkeypatch.setattr(extractor, "DATA", tmp_path)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(_feed([
        ("us-east-1", "m6i.xlarge", "0.1920000000"), ("us-east-1", "p5.48xlarge", "55.0400000000"),
        ("eu-west-1", "g5.xlarge", "1.1230000000"), ("eu-west-1", "g6.xlarge", "0.9000000000"),
        ("south-america-(sao-paulo)", "c7g.medium", "0.0555000000"), ("south-america-(sao-paulo)", "t3.micro", "1"),
    ])))  # fmt: skip
    extractor.main(str(feed))
    written = (tmp_path / "ec2_linux_feed.csv").read_text().splitlines()
    assert [line for line in written if not line.startswith("#")] == [
        "us-east-1,p5.48xlarge,55.04",
        "eu-west-1,g6.xlarge,0.9",  # a type the older mirror lacks there; g5 stays the older mirror's
        "sa-east-1,c7g.medium,0.0555",  # t3 is no family the books carry
    ]


def test_the_extraction_refuses_a_feed_that_disagrees_where_both_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extractor = _script("extract_ec2_feed")
    (tmp_path / "ec2_linux.csv").write_text("us-east-1,m6i.xlarge,0.192\n")
    monkeypatch.setattr(extractor, "DATA", tmp_path)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(_feed([("us-east-1", "m6i.xlarge", "0.2000000000")])))
    with pytest.raises(SystemExit, match=r"us-east-1 m6i.xlarge: feed 0.2000000000, older mirror 0.192"):
        extractor.main(str(feed))
    assert not (tmp_path / "ec2_linux_feed.csv").exists()


def test_every_generated_book_prices_the_capacity_modes() -> None:
    """EKS on Fargate, Auto Mode and Lambda Managed Instances are priced outside us-east-1 too: their shares and the
    pod overhead are AWS's single figures, marked assumed to hold in the region; the request price is the region's."""
    from decider import decide, load_ruleset, parse_workload

    ruleset = load_ruleset()
    worker = {
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 200, "memory_mb": 2048, "vcpu": 1, "long_running": True},
        "traffic": {"pattern": "steady", "requests_per_month": 50_000_000, "protocols": ["queue"]},
    }
    for region, book in ruleset.pricing.items():
        assert book.modes.eks_fargate is not None, region
        assert book.modes.lambda_managed_instances is not None, region
        assert book.modes.lambda_managed_instances.request.usd == pytest.approx(book.lambda_.request.usd / 1e6)
        if region == "us-east-1":
            continue
        auto_mode = book.modes.eks_auto_mode
        assert auto_mode is not None, region
        assert "assumed to hold here" in (auto_mode.fee_fraction.uncertain or ""), region
        decision = decide(parse_workload({**worker, "preferences": {"region": region}}), ruleset, advice=False)
        eks = next(entry for entry in decision.ranking if entry.target == "eks")
        assert eks.sizing is not None, region
        priced = {option.mode for option in eks.sizing.modes if option.monthly_usd is not None}
        assert {"fargate", "auto-mode"} <= priced, (region, priced)
