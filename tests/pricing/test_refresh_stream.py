"""Refresh at scale: offer files streamed in bounded memory, downloads under a deadline, same-host redirects only,
`--from DIR` layouts, and a refresh that matches nothing is an error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from decider.cli import main
from decider.errors import PricingError
from decider.pricing.download import Deadline, terminal_progress
from decider.pricing.refresh import OFFERS, parse_offer, read_offer
from tests.pricing.synthetic_offer import write_offer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "offers" / "us-east-1"
BASE = "https://pricing.example/offers/v1.0/aws"


def refresh_cli(*argv: str) -> int:
    return main(["pricing", "refresh", "--region", "us-east-1", *argv])


# -- streaming, in bounded memory -----------------------------------------------------------------------------

CHILD = """
import json, resource, sys
from pathlib import Path
vm = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (vm + 96 * 2**20, resource.RLIM_INFINITY))
path = Path(sys.argv[2])
try:
    if sys.argv[1] == "whole":
        json.loads(path.read_text(encoding="utf-8"))
        print("parsed")
    else:
        from decider.pricing.refresh import parse_offer
        offer = parse_offer(path, str(path), "us-east-1", lambda p: p.attributes.get("instanceType") == "m7g.large")
        print(len(offer.products), sum(len(p.dimensions) for p in offer.products))
except MemoryError:
    print("MemoryError")
"""


def parse_capped(how: str, path: Path) -> str:
    """Parse ``path`` in a child process whose address space is capped at 96 MiB above what it starts with."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, how, str(path)], cwd=REPO, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def test_a_large_offer_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "AmazonEC2.json"
    products = write_offer(path, 25)
    # the cap is real: building the whole document does not fit under it ...
    assert parse_capped("whole", path) == "MemoryError"
    # ... while the streamed reader keeps the one product in a thousand it needs, with its price
    kept = (products + 999) // 1000
    assert parse_capped("stream", path) == f"{kept} {kept}"


def offer_text(products: dict[str, object], terms: dict[str, object], terms_first: bool = False) -> str:
    head = '"formatVersion": "v1.0", "offerCode": "AmazonEKS", "version": "7", "publicationDate": "2026-12-01"'
    parts = [f'"products": {json.dumps(products)}', f'"terms": {json.dumps({"OnDemand": terms})}']
    if terms_first:
        parts.reverse()
    return "{" + ", ".join([head, *parts]) + "}"


EKS_PRODUCT = {"productFamily": "Compute", "attributes": {"usagetype": "USE1-AmazonEKS-Hours:perCluster"}}
EKS_TERM = {"T": {"priceDimensions": {"R": {"pricePerUnit": {"USD": "0.11"}, "unit": "Hrs"}}}}


@pytest.mark.parametrize("terms_first", [False, True])
def test_products_and_terms_are_read_in_either_order(tmp_path: Path, terms_first: bool) -> None:
    path = tmp_path / "AmazonEKS.json"
    path.write_text(offer_text({"S1": EKS_PRODUCT}, {"S1": EKS_TERM}, terms_first), encoding="utf-8")
    offer = parse_offer(path, str(path), "us-east-1")
    assert (offer.version, offer.published) == ("7", "2026-12-01")
    assert [(p.sku, [d.usd for d in p.dimensions]) for p in offer.products] == [("S1", [0.11])]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"formatVersion": "v1.0"}', "no 'products' mapping"),
        ('[{"products": {}}]', "no 'products' mapping"),
        ('{"version": "1", "products": {"S1": {"productFamily": NaN}}}', "not valid JSON"),
        ('{"version": "1", "products": {"S1": {"productFamily": "a", "productFamily": "b"}}}', "'productFamily' twice"),
        ('{"version": "1", "products": {"S1": {}, "S1": {}}}', "SKU 'S1' twice"),
        ('{"products": {"S1": {}}, "terms": {"OnDemand": {"S1": {"T": {"priceDimensions": {"R": {}}}}}}}', "malformed"),
    ],
)
def test_a_malformed_offer_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "offer.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PricingError, match=message):
        parse_offer(path, str(path), "us-east-1")


# -- a refresh that matches nothing ----------------------------------------------------------------------------


def test_junk_offer_files_are_an_error_not_a_book_of_kept_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "AmazonEKS.json").write_text(offer_text({"S1": {"productFamily": "x"}}, {}), encoding="utf-8")
    output = tmp_path / "book.yaml"
    assert refresh_cli("--from", str(tmp_path), "--output", str(output)) == 2
    err = capsys.readouterr().err
    assert "nothing in AmazonEKS matched a price of the book for us-east-1" in err
    assert str(tmp_path / "AmazonEKS.json") in err
    assert not output.exists()


def test_offer_files_of_another_region_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "refresh", "--region", "eu-west-1", "--from", str(FIXTURES)]) == 2
    err = capsys.readouterr().err
    assert "matched a price of the book for eu-west-1" in err
    assert all(code in err for code in OFFERS)


# -- where --from DIR looks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layout", ["{region}/{offer}.json", "{offer}/current/{region}/index.json", "{offer}/{region}.json"]
)
def test_from_dir_finds_the_region_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str) -> None:
    for fixture in FIXTURES.glob("*.json"):
        target = tmp_path / layout.format(region="us-east-1", offer=fixture.stem)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, target)
    assert refresh_cli("--from", str(tmp_path), "--output", str(tmp_path / "book.yaml")) == 0
    assert "refreshed 20 prices" in capsys.readouterr().err


def test_from_dir_says_where_it_looked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refresh_cli("--from", str(tmp_path)) == 2
    err = capsys.readouterr().err
    for looked in ("us-east-1/<offer>.json", "<offer>/current/us-east-1/index.json", "<offer>/us-east-1.json"):
        assert str(tmp_path / looked) in err
    assert refresh_cli("--from", str(tmp_path / "absent")) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_a_deadline_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert refresh_cli("--from", str(FIXTURES), "--deadline", "0") == 2
    assert "--deadline" in capsys.readouterr().err


# -- downloads -------------------------------------------------------------------------------------------------


def serve(routes: dict[str, httpx.Response]) -> httpx.Client:
    def respond(request: httpx.Request) -> httpx.Response:
        return routes.get(str(request.url), httpx.Response(404))

    return httpx.Client(transport=httpx.MockTransport(respond))


EKS_URL = f"{BASE}/AmazonEKS/current/us-east-1/index.json"
EKS_BODY = (FIXTURES / "AmazonEKS.json").read_bytes()


def test_a_redirect_within_the_host_is_followed() -> None:
    moved = "https://pricing.example/mirror/AmazonEKS.json"
    with serve(
        {
            EKS_URL: httpx.Response(302, headers={"location": "/mirror/AmazonEKS.json"}),
            moved: httpx.Response(200, content=EKS_BODY),
        }
    ) as client:
        offer = read_offer(BASE, "AmazonEKS", "us-east-1", client)
    assert offer is not None
    assert offer.version == "20261120180411"


def test_a_redirect_to_another_host_is_refused() -> None:
    away = httpx.Response(301, headers={"location": "https://elsewhere.example/AmazonEKS.json"})
    with serve({EKS_URL: away}) as client, pytest.raises(PricingError, match=r"another host \(elsewhere\.example\)"):
        read_offer(BASE, "AmazonEKS", "us-east-1", client)


class Drip(httpx.SyncByteStream):
    """A body that arrives a byte at a time, slowly, and would take minutes in all."""

    def __iter__(self) -> Iterator[bytes]:
        for byte in EKS_BODY:
            time.sleep(0.05)
            yield bytes([byte])


def test_a_dripping_server_fails_at_the_deadline() -> None:
    with (
        serve({EKS_URL: httpx.Response(200, stream=Drip())}) as client,
        pytest.raises(PricingError, match=r"ran past its deadline of 0\.5 s"),
    ):
        read_offer(BASE, "AmazonEKS", "us-east-1", client, deadline=Deadline(0.5))


def test_a_server_error_is_named() -> None:
    with serve({EKS_URL: httpx.Response(503)}) as client, pytest.raises(PricingError, match="HTTP 503"):
        read_offer(BASE, "AmazonEKS", "us-east-1", client)


def test_progress_is_shown_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal_progress("AmazonEC2/current/us-east-1/index.json", 1_000_000, 4_000_000)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    terminal_progress("AmazonEC2/current/us-east-1/index.json", 4_000_000, 4_000_000)
    assert capsys.readouterr().err == "\rAmazonEC2/current/us-east-1/index.json: 4.0 of 4.0 MB\n"


def test_a_redirect_loop_and_a_failed_connection_are_named() -> None:
    loop = httpx.Response(302, headers={"location": EKS_URL})
    with serve({EKS_URL: loop}) as client, pytest.raises(PricingError, match="more than 5 redirects"):
        read_offer(BASE, "AmazonEKS", "us-east-1", client)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(PricingError, match="cannot fetch: connection refused"),
    ):
        read_offer(BASE, "AmazonEKS", "us-east-1", client)


class Broken(httpx.SyncByteStream):
    """A body cut off after its first bytes."""

    def __iter__(self) -> Iterator[bytes]:
        yield EKS_BODY[:100]
        raise httpx.ReadError("connection reset")


def test_a_body_cut_off_is_named_with_the_bytes_read() -> None:
    with (
        serve({EKS_URL: httpx.Response(200, stream=Broken())}) as client,
        pytest.raises(PricingError, match="connection reset after 100 bytes"),
    ):
        read_offer(BASE, "AmazonEKS", "us-east-1", client)


def test_the_deadline_also_bounds_reading_a_large_file(tmp_path: Path) -> None:
    write_offer(tmp_path / "AmazonEC2.json", 6)
    with pytest.raises(PricingError, match="deadline of 0 s \\(reading the offer file\\)"):
        read_offer(str(tmp_path), "AmazonEC2", "us-east-1", deadline=Deadline(0))
