"""`decider pricing diff BOOK_A BOOK_B`: which prices differ between two books (regions or files), and by how much."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from decider.cli import main
from decider.pricing.book import PriceBook
from decider.pricing.diff import Change, diff
from decider.rules.model import Ruleset

REPO = Path(__file__).resolve().parents[2]


def _edited(tmp_path: Path) -> Path:
    raw = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    raw["as_of"] = "2026-12-31"
    for instance in raw["ec2"]["instances"]:
        if instance["type"] == "m6i.large":
            instance["usd_per_hour"] = 0.1
    raw["lambda"]["duration"]["x86_64"]["tiers"][0]["usd"] = 0.00002
    del raw["api_gateway"]["websocket_connection_minutes"]
    raw["eks"]["control_plane_hour"]["usd"] = 0.1  # the same value: not a change
    path = tmp_path / "us-east-1.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_diff_lists_changed_added_and_removed_figures(ruleset: Ruleset, tmp_path: Path) -> None:
    before = ruleset.pricing["us-east-1"]
    after = PriceBook.model_validate(yaml.safe_load(_edited(tmp_path).read_text(encoding="utf-8")))
    assert diff(before, after) == [
        Change("api_gateway.websocket_connection_minutes.usd", 0.00000025, None),
        Change("ec2.instances[m6i.large].usd_per_hour", 0.096, 0.1),
        Change("lambda.duration.x86_64.tiers[0].usd", 0.0000166667, 0.00002),
    ]
    assert diff(after, before)[0] == Change("api_gateway.websocket_connection_minutes.usd", None, 0.00000025)


def test_a_change_reads_with_its_share() -> None:
    assert Change("a.usd", 0.096, 0.1).describe() == "changed  a.usd: 0.096 -> 0.1 (+4.2%)"
    assert Change("a.usd", None, 2).describe() == "added    a.usd: 2"
    assert Change("a.usd", 2, None).describe() == "removed  a.usd: was 2"
    assert Change("a.usd", 0, 1).percent is None


def test_diff_two_regions_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "diff", "eu-west-1", "eu-west-2"]) == 0
    out = capsys.readouterr().out.splitlines()
    ireland, london = (PriceBook.model_validate(yaml.safe_load((REPO / "rules" / "pricing" / f"{region}.yaml")
                                                               .read_text(encoding="utf-8")))
                       for region in ("eu-west-1", "eu-west-2"))  # fmt: skip
    differ = len(diff(ireland, london))
    assert out[0] == f"eu-west-1 as of {ireland.as_of} -> eu-west-2 as of {london.as_of}: {differ} figures differ"
    assert len(out) == differ + 1  # one line a figure
    assert "  changed  ec2.instances[m6i.xlarge].usd_per_hour: 0.214 -> 0.222 (+3.7%)" in out
    # the mirrors list p5 in London but not in Ireland, and p4d the other way round (prices after the 2025 cut)
    assert "  added    ec2.instances[p5.48xlarge].usd_per_hour: 71.552" in out
    assert "  removed  ec2.instances[p4d.24xlarge].usd_per_hour: was 23.7157" in out
    assert "  added    ec2.instances[g5.2xlarge].usd_per_hour: 1.53849" not in out  # both books have it


def test_diff_a_book_file_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "diff", "us-east-1", str(_edited(tmp_path)), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["before"], data["after"]) == ("2026-11-27", "2026-12-31")
    assert data["changes"][1] == {
        "path": "ec2.instances[m6i.large].usd_per_hour",
        "before": 0.096,
        "after": 0.1,
        "percent": 4.2,
    }


def test_diff_as_json_gives_each_share_as_the_table_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "diff", "us-east-1", "eu-west-1"]) == 0
    table = capsys.readouterr().out
    assert main(["pricing", "diff", "us-east-1", "eu-west-1", "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    shares = [change for change in changes if change["percent"] is not None]
    assert len(shares) > 10
    lines = {line.split(": ")[0].split()[-1]: line for line in table.splitlines()[1:]}
    for change in shares:  # 11.0, not 11.000000000000002
        assert change["percent"] == round(change["percent"], 1)
        assert lines[change["path"]].endswith(f" ({change['percent']:+.1f}%)")


def test_diff_refuses_what_is_not_a_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "diff", "eu-west-9", "us-east-1"]) == 2
    err = capsys.readouterr().err
    assert "BOOK_A: 'eu-west-9' is neither a region (ap-northeast-1, " in err
    assert "eu-west-1" in err
    assert main(["pricing", "diff", "us-east-1", str(tmp_path / "absent.yaml")]) == 2
    assert f"BOOK_B: no price book file at {tmp_path / 'absent.yaml'}" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("region: us-east-1\ncurrency: USD\nas_of: '2026-12-01'\n", encoding="utf-8")
    assert main(["pricing", "diff", "us-east-1", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "missing: the cost model needs this price" in err
    assert "Traceback" not in err
