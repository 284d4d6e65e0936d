"""Price books: the shipped book is complete and sourced, gaps fail at load, regions are checked, refresh works."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from decider import decide, load_ruleset, parse_workload
from decider.cli import main
from decider.errors import RulesError, WorkloadError
from decider.pricing.book import PriceBook
from decider.pricing.refresh import OFFERS, read_offer, refresh
from decider.rules.model import Ruleset

REPO = Path(__file__).resolve().parents[2]
OFFER_FIXTURES = REPO / "tests" / "fixtures" / "offers" / "us-east-1"
BOOK = REPO / "rules" / "pricing" / "us-east-1.yaml"

SHIPPED_REGIONS = (
    "ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, "
    "eu-west-2, eu-west-3, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2"
)


def test_shipped_book_is_dated_and_every_price_has_a_source(ruleset: Ruleset) -> None:
    book = ruleset.pricing["us-east-1"]
    assert (book.region, book.currency, book.as_of) == ("us-east-1", "USD", "2026-11-27")
    raw = yaml.safe_load(BOOK.read_text(encoding="utf-8"))
    priced: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            is_tier = path.endswith("]") and ".tiers[" in path  # a tier's source is its tiered price's
            if not is_tier and any(key in node for key in ("usd", "tiers", "fraction", "quantity", "usd_per_hour")):
                priced.append(path)
                assert str(node.get("source", "")).startswith("https://"), path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(raw, "")
    assert len(priced) >= 60


def test_catalogue_covers_families_architectures_and_gpus(ruleset: Ruleset) -> None:
    instances = ruleset.pricing["us-east-1"].ec2.instances
    assert len(instances) >= 25
    assert {instance.family for instance in instances} == {"general", "compute", "memory", "burstable", "gpu"}
    assert {instance.architecture for instance in instances} == {"x86_64", "arm64"}
    assert {instance.type_family for instance in instances if instance.gpu} >= {"g5", "p4d"}
    # AWS-sourced figures from aws-facts §5c
    prices = {instance.type: instance.usd_per_hour for instance in instances}
    assert (prices["t3.medium"], prices["m6i.large"], prices["m7g.xlarge"], prices["g5.xlarge"]) == (
        0.0416,
        0.096,
        0.1632,
        1.006,
    )


def test_uncertain_figures_are_listed(ruleset: Ruleset) -> None:
    uncertain = dict(ruleset.pricing["us-east-1"].uncertain())
    assert "managed_instances.fee_fraction" in uncertain
    assert "fargate.linux_x86_64.vcpu_hour" in uncertain
    assert "ec2.instances[p4d.24xlarge]" in uncertain
    assert "ec2.instances[t3.medium]" not in uncertain  # read from a Price List description


def test_summary_is_json_with_the_yaml_names(ruleset: Ruleset) -> None:
    data = ruleset.pricing["us-east-1"].summary()
    text = json.dumps(data)
    assert data["lambda"]["duration"]["arm64"]["tiers"][0]["usd"] == 0.0000133334
    assert data["savings_plans"]["ec2"]["3yr"]["fraction"] == 0.528
    assert PriceBook.model_validate(json.loads(text)) == ruleset.pricing["us-east-1"]


BookEdit = Callable[[dict[str, Any]], None]


@pytest.fixture
def edited_rules(tmp_path: Path) -> Callable[[BookEdit], Path]:
    def build(edit: BookEdit) -> Path:
        copy = tmp_path / "rules"
        shutil.copytree(REPO / "rules", copy)
        path = copy / "pricing" / "us-east-1.yaml"
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(book)
        path.write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")
        return copy

    return build


@pytest.mark.parametrize(
    "path",
    [
        ("lambda", "request"),
        ("lambda", "free_tier_gb_seconds"),
        ("fargate", "linux_arm64", "gb_hour"),
        ("fargate", "windows_x86_64", "os_license_vcpu_hour"),
        ("fargate", "spot_discount"),
        ("ec2", "spot_discount"),
        ("managed_instances", "fee_fraction"),
        ("eks", "control_plane_hour"),
        ("load_balancers", "alb_lcu_hour"),
        ("api_gateway", "http_api"),
        ("savings_plans", "fargate", "3yr"),
    ],
)
def test_a_missing_price_fails_at_load(edited_rules: Callable[[BookEdit], Path], path: tuple[str, ...]) -> None:
    def drop(book: dict[str, Any]) -> None:
        node = book
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=edited_rules(drop))
    problems = caught.value.problems
    # the dotted path of the gap, or (for a rule spanning fields) the name of the missing price in the message
    assert any(p.location.endswith(".".join(path)) or path[-1] in p.message for p in problems), problems


def test_every_gap_is_listed_at_once(edited_rules: Callable[[BookEdit], Path]) -> None:
    def break_three(book: dict[str, Any]) -> None:
        del book["lambda"]["duration"]["arm64"]
        book["ec2"]["instances"][0]["usd_per_hour"] = -1
        book["eks"]["control_plane_hour"]["source"] = "see the pricing page"

    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=edited_rules(break_three))
    text = str(caught.value)
    assert "missing duration price for arm64" in text
    assert "ec2.instances.0.usd_per_hour" in text
    assert "eks.control_plane_hour.source" in text
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("https://aws.amazon.com/eks/pricing/", False),
        ("https://aws.amazon.com/eks/pricing/ (read 2026-11-27, the standard-support row)", False),
        ("http://example.com", False),
        ("https:// aws.amazon.com/eks/pricing/", True),  # a space where the host begins
        ("ftp://aws.amazon.com/eks/pricing/", True),
        ("the AWS pricing page: https://aws.amazon.com/eks/pricing/", True),  # the URL must come first
    ],
)
def test_a_price_source_starts_with_an_http_url(
    edited_rules: Callable[[BookEdit], Path], source: str, refused: bool
) -> None:
    def cite(book: dict[str, Any]) -> None:
        book["eks"]["control_plane_hour"]["source"] = source

    if not refused:
        assert load_ruleset(rules_dir=edited_rules(cite)).pricing["us-east-1"].eks.control_plane_hour.source == source
        return
    with pytest.raises(RulesError, match=r"eks\.control_plane_hour\.source.*must start with an http\(s\) URL"):
        load_ruleset(rules_dir=edited_rules(cite))


def test_a_book_named_for_another_region_is_refused(edited_rules: Callable[[BookEdit], Path]) -> None:
    def rename(book: dict[str, Any]) -> None:
        book["region"] = "eu-west-1"

    with pytest.raises(RulesError, match=r"file is named us-east-1\.yaml"):
        load_ruleset(rules_dir=edited_rules(rename))


def test_unknown_region_names_the_regions_there_are(ruleset: Ruleset) -> None:
    with pytest.raises(WorkloadError) as caught:
        decide(parse_workload({"preferences": {"region": "eu-south-1"}}), ruleset)
    (problem,) = caught.value.problems
    assert problem.location == "preferences.region"
    assert problem.message == "no price book for 'eu-south-1'; regions: " + SHIPPED_REGIONS
    assert problem.suggestion == "eu-north-1"


def test_unknown_region_exits_2_on_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("preferences: {region: af-south-1}\n", encoding="utf-8")
    assert main(["recommend", str(path)]) == 2
    err = capsys.readouterr().err
    assert "preferences.region: no price book for 'af-south-1'; regions: ap-northeast-1, " in err
    assert "Traceback" not in err


def test_rules_without_a_pricing_directory_still_decide(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(REPO / "rules", copy, ignore=shutil.ignore_patterns("pricing"))
    ruleset = load_ruleset(rules_dir=copy)
    decision = decide(parse_workload({}), ruleset)
    assert ruleset.pricing == {}
    assert decision.pricing is None
    assert all(entry.monthly_cost is None for entry in decision.ranking)


# -- refresh from AWS Price List offer files ------------------------------------------------------------------


def offers_from_fixtures() -> dict[str, Any]:
    found = {code: read_offer(str(OFFER_FIXTURES), code, "us-east-1") for code in OFFERS}
    return {code: offer for code, offer in found.items() if offer is not None}


def test_offer_file_parsing_keeps_region_and_on_demand_dimensions() -> None:
    offer = read_offer(str(OFFER_FIXTURES), "AWSLambda", "us-east-1")
    assert offer is not None
    assert (offer.version, offer.published) == ("20261120180411", "2026-11-20T18:04:11Z")
    assert all(product.attributes.get("regionCode") == "us-east-1" for product in offer.products)
    duration = next(p for p in offer.products if p.attributes["group"] == "AWS-Lambda-Duration")
    assert [(d.begin, d.end, d.usd) for d in duration.dimensions] == [
        (0.0, 6e9, 0.0000166667),
        (6e9, 15e9, 0.000015),
        (15e9, None, 0.0000133334),
    ]
    assert read_offer(str(OFFER_FIXTURES), "AmazonS3", "us-east-1") is None


def test_refresh_replaces_found_prices_and_records_their_offer(ruleset: Ruleset) -> None:
    result = refresh(ruleset.pricing["us-east-1"], "us-east-1", offers_from_fixtures(), "2026-12-01")
    book = PriceBook.model_validate(result.book)
    assert book.as_of == "2026-12-01"
    c7g = book.instance("c7g.large")
    assert c7g is not None
    assert c7g.usd_per_hour == 0.07  # the fixture's changed price; its Windows and Dedicated rows are ignored
    assert c7g.uncertain is None
    assert "AmazonEC2/current/us-east-1/index.json (version 20261120180411, published 2026-11-20" in c7g.source
    # $0.0000002 a request; the other region's and the "Any"-location products are ignored
    assert book.lambda_.request.usd == pytest.approx(0.20)
    assert book.fargate is not None
    assert book.fargate.linux_x86_64 is not None
    assert book.fargate.linux_x86_64.vcpu_hour.usd == 0.04048  # not the Spot usage listed before it
    assert book.api_gateway is not None
    assert book.api_gateway.http_api.tiers[1].usd == 0.0000009
    assert "lambda.request" in result.refreshed
    # what the offer files lack is kept and flagged, keeping the earlier note
    kept = book.instance("p4d.24xlarge")
    assert kept is not None
    assert kept.usd_per_hour == 21.957642  # the book's p4d price, not in the offer files read
    assert kept.uncertain is not None
    assert kept.uncertain.startswith("not found in the offer files read on 2026-12-01")
    assert "2025 P-series cut" in kept.uncertain  # the earlier note, kept
    assert "fargate.windows_x86_64.vcpu_hour" in result.kept


def test_refresh_over_http_uses_the_price_list_layout(ruleset: Ruleset) -> None:
    requested: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        parts = request.url.path.split("/")
        path = OFFER_FIXTURES / f"{parts[-4]}.json"
        if not path.exists():
            return httpx.Response(404)
        return httpx.Response(200, content=path.read_bytes())

    with httpx.Client(transport=httpx.MockTransport(respond)) as client:
        offer = read_offer("https://pricing.example/offers/v1.0/aws", "AmazonEKS", "us-east-1", client)
        missing = read_offer("https://pricing.example/offers/v1.0/aws", "AmazonS3", "us-east-1", client)
    assert requested[0] == "https://pricing.example/offers/v1.0/aws/AmazonEKS/current/us-east-1/index.json"
    assert offer is not None
    assert offer.source.startswith("https://pricing.example/offers/v1.0/aws/AmazonEKS/current/us-east-1/index.json")
    assert missing is None


def test_pricing_refresh_command_writes_a_loadable_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "us-east-1.yaml"
    code = main(["pricing", "refresh", "--region", "us-east-1", "--from", str(OFFER_FIXTURES), "--output", str(output)])
    assert code == 0
    assert "refreshed 20 prices" in capsys.readouterr().err
    book = PriceBook.model_validate(yaml.safe_load(output.read_text(encoding="utf-8")))
    assert book.region == "us-east-1"


def test_pricing_refresh_without_offer_files_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "refresh", "--region", "us-east-1", "--from", str(tmp_path)]) == 2
    assert "no offer files found" in capsys.readouterr().err


def test_pricing_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show"]) == 0
    out = capsys.readouterr().out
    assert "price book us-east-1 (USD) as of 2026-11-27" in out
    assert "p4d.24xlarge" in out
    assert "sources: https://aws.amazon.com/lambda/pricing/" in out
    assert "figures are marked uncertain" in out
    assert main(["pricing", "show", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "us-east-1"
    assert main(["pricing", "show", "--region", "eu-south-1"]) == 2
    assert "no price book for 'eu-south-1'; regions: ap-northeast-1, " in capsys.readouterr().err


# -- price overrides from an organisation's rule directory -----------------------------------------------------


def write_override(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    folder = tmp_path / "org"
    (folder / "pricing").mkdir(parents=True, exist_ok=True)
    (folder / "pricing" / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_an_override_replaces_one_instance_price_and_keeps_the_rest(ruleset: Ruleset, tmp_path: Path) -> None:
    negotiated = {
        "type": "m6i.large",
        "usd_per_hour": 0.05,
        "source": "https://wiki.example.com/private-pricing",
    }
    folder = write_override(tmp_path, "us-east-1.yaml", {"as_of": "2026-12-01", "ec2": {"instances": [negotiated]}})
    overridden = load_ruleset([folder])
    book, shipped = overridden.pricing["us-east-1"], ruleset.pricing["us-east-1"]
    m6i = book.instance("m6i.large")
    assert m6i is not None
    assert m6i.usd_per_hour == 0.05
    assert m6i.vcpu == 2
    assert m6i.memory_gib == 8
    assert [instance.type for instance in book.ec2.instances] == [instance.type for instance in shipped.ec2.instances]
    assert book.instance("m7g.large") == shipped.instance("m7g.large")
    assert book.lambda_ == shipped.lambda_
    # the decision says which prices it used
    decision = decide(parse_workload({"runtime": {"architecture": "x86_64"}}), overridden)
    assert decision.pricing is not None
    assert decision.pricing.as_of == "2026-12-01"


def test_an_override_must_say_the_date_of_its_prices(tmp_path: Path) -> None:
    folder = write_override(tmp_path, "us-east-1.yaml", {"eks": {"control_plane_hour": {"usd": 0.08}}})
    with pytest.raises(RulesError) as caught:
        load_ruleset([folder])
    assert any("us-east-1.yaml" in problem.location and "as_of" in problem.message for problem in caught.value.problems)


def test_a_bad_override_is_reported_against_the_files_it_came_from(tmp_path: Path) -> None:
    folder = write_override(
        tmp_path, "us-east-1.yaml", {"as_of": "2026-12-01", "eks": {"control_plane_hour": {"usd": "cheap"}}}
    )
    with pytest.raises(RulesError) as caught:
        load_ruleset([folder])
    [problem] = caught.value.problems
    assert str(folder / "pricing" / "us-east-1.yaml") in problem.location
    assert "eks.control_plane_hour.usd" in problem.location
    assert "'cheap'" in problem.message


def test_a_region_only_an_override_has_must_be_a_complete_book(tmp_path: Path) -> None:
    folder = write_override(
        tmp_path, "eu-south-1.yaml", {"region": "eu-south-1", "currency": "USD", "as_of": "2026-12-01"}
    )
    with pytest.raises(RulesError) as caught:
        load_ruleset([folder])
    missing = [problem for problem in caught.value.problems if "missing" in problem.message]
    assert any(problem.location.endswith("eu-south-1.yaml lambda") for problem in missing)


def test_pricing_show_reads_an_override_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["pricing", "show", "--format", "json", "--rules", str(REPO / "examples/pricing/aws-pricing-page")]) == 0
    )
    book = json.loads(capsys.readouterr().out)
    assert book["lambda"]["duration"]["x86_64"]["tiers"][0]["usd"] == 0.00001667


def test_a_decision_names_the_exact_prices_it_used(ruleset: Ruleset) -> None:
    workload = parse_workload({})
    shipped = decide(workload, ruleset).pricing
    overridden = decide(workload, load_ruleset([REPO / "examples/pricing/aws-pricing-page"])).pricing
    assert shipped is not None
    assert overridden is not None
    again = decide(workload, load_ruleset()).pricing
    assert again is not None
    assert shipped.digest == again.digest
    assert shipped.digest != overridden.digest  # same region and date, different prices


def test_a_copied_book_names_its_own_prices(ruleset: Ruleset) -> None:
    """A book copied with a price changed (``model_copy``, as a library caller might) has the digest of its own
    prices, not the one the original had already computed; a plain copy has the same digest."""
    book = ruleset.pricing["us-east-1"]
    shipped = book.digest  # computed, and cached on the original, before any copy is made
    eks = book.eks.model_copy(
        update={"control_plane_hour": book.eks.control_plane_hour.model_copy(update={"usd": 0.2})}
    )
    changed = book.model_copy(update={"eks": eks})
    assert changed.digest != shipped
    assert changed.digest == PriceBook.model_validate(changed.summary()).digest
    assert book.model_copy().digest == shipped
    assert book.digest == shipped


def test_the_pricing_digest_follows_the_books_in_service(ruleset: Ruleset) -> None:
    """The digest the API's health and reload answers name is computed from the books the ruleset holds, so a ruleset
    with one price changed names a different digest, and the same books the same one."""
    book = ruleset.pricing["us-east-1"]
    eks = book.eks.model_copy(
        update={"control_plane_hour": book.eks.control_plane_hour.model_copy(update={"usd": 0.11})}
    )
    changed = dataclasses.replace(
        ruleset, pricing={**ruleset.pricing, "us-east-1": book.model_copy(update={"eks": eks})}
    )
    assert changed.pricing_digest.startswith("sha256:")
    assert changed.pricing_digest != ruleset.pricing_digest
    assert dataclasses.replace(ruleset).pricing_digest == ruleset.pricing_digest
