"""An Ingress's own Application Load Balancer shared by several workloads (decider/sources/kubernetes_ingress.py) is
made by the files as they make the workloads: its hours are split between their EKS bills, as a shared cluster's
control plane is (decider/review_cluster.py ``share_fixed_costs``), stay behind in the review's totals while any of them
stays, and are left out of a consider's saving and of a diff's costs like the control plane's share (audit of round
35's changes, F5: on a cluster the files define, the ALB was said to exist already and billed to no one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.review import Review, ReviewedWorkload, review_imported
from decider.review_diff import compare, own_cost
from decider.rules.model import Ruleset
from decider.sources import apply_usage, find_workloads
from tests.manifests import EKS_CLUSTER
from tests.sources.test_ingress_balancers import app, ingress
from tests.test_review_defined_cluster import eks_lines

#: An Application Load Balancer's hours in us-east-1, a month: $0.0225 an hour × 730 (rules/pricing/us-east-1.yaml).
ALB_MONTH = 0.0225 * 730
#: What the existing cluster's shared load balancer says on an EKS bill, which the Ingress's share replaces.
CLUSTER_BALANCER = "Application Load Balancer hours (existing cluster's, shared: already paid)"


def review_of(root: Path, ruleset: Ruleset, usage: dict[str, dict[str, object]]) -> Review:
    discovery = find_workloads([str(root)])
    apply_usage(discovery.workloads, usage, "usage.yaml")
    return review_imported(discovery.workloads, ruleset)


def balancer_share(item: ReviewedWorkload) -> tuple[str, float]:
    [found] = [(text, usd) for text, usd in eks_lines(item).items() if text.startswith("Application Load Balancer $")]
    return found


def traffic(requests: int, peak: int) -> dict[str, object]:
    return {"traffic": {"requests_per_month": requests, "peak_rps": peak}}


@pytest.mark.parametrize("defined", [False, True], ids=["existing-cluster", "defined-cluster"])
def test_two_workloads_behind_one_alb_ingress_split_its_hours(tmp_path: Path, ruleset: Ruleset, defined: bool) -> None:
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    if defined:
        (tmp_path / "main.tf").write_text(EKS_CLUSTER)
    review = review_of(tmp_path, ruleset, {name: traffic(2_000_000, 20) for name in ("shop", "cart")})
    for item in review.workloads:
        text, usd = balancer_share(item)
        assert usd == pytest.approx(ALB_MONTH / 2)  # $8.2125 each, $16.425 between them
        assert text.startswith("Application Load Balancer $16.43 a month of Ingress front (")
        assert text.endswith("its hours split between 2 workloads in this review: $8.21")
        assert CLUSTER_BALANCER not in eks_lines(item)  # no longer said to exist already
        [note] = [text for text in item.decision.assumptions if text.startswith("team.current_platform is eks")]
        assert "its shared load balancer already exists" not in note
        assert "whose hours ($16.43 a month) are split between the 2 workloads it routes to" in note
        [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
        assert eks.monthly_cost is not None
        assert eks.monthly_cost.total_usd == pytest.approx(sum(eks_lines(item).values()), abs=0.01)
        # both are told to consider Lambda: each saving leaves both shares out and says when they are saved
        assert item.verdict == "consider"
        assert "and its $8.21 share of the load balancer of Ingress front (" in item.why
        assert "which is saved only if the other workload in this review behind it moves off it too" in item.why
        assert "as the review's summary then counts them" in item.why
        # a diff compares costs without the shares: the Ingress costs that whatever the change adds or removes
        assert item.monthly_cost_now_usd is not None
        assert own_cost(item) == pytest.approx(item.monthly_cost_now_usd - 36.5 - ALB_MONTH / 2, abs=0.01)
    # every workload behind the Ingress is told to move: the summary counts its hours saved with the cluster
    after = sum(item.monthly_cost_recommended_usd or 0.0 for item in review.workloads)
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(after, abs=0.01)


def test_the_ingress_share_stays_behind_while_a_workload_behind_it_stays(tmp_path: Path, ruleset: Ruleset) -> None:
    """shop is busy enough to keep EKS, cart is told to consider Lambda: cart's share of the load balancer (and of the
    control plane) is still paid after following the verdicts."""
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    review = review_of(tmp_path, ruleset, {"shop": traffic(900_000_000, 900), "cart": traffic(2_000_000, 20)})
    verdicts = {item.name: item.verdict for item in review.workloads}
    assert verdicts["cart"] == "consider"
    assert verdicts["shop"] == "keep"
    cart = next(item for item in review.workloads if item.name == "cart")
    kept = next(item for item in review.workloads if item.name == "shop")
    assert cart.monthly_cost_recommended_usd is not None
    assert kept.monthly_cost_now_usd is not None
    left_behind = 36.5 + ALB_MONTH / 2
    expected = cart.monthly_cost_recommended_usd + kept.monthly_cost_now_usd + left_behind
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(expected, abs=0.02)


def test_a_usage_file_giving_one_its_own_load_balancer_leaves_the_other_paying_the_ingress_whole(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    usage = {"shop": traffic(2_000_000, 20), "cart": traffic(2_000_000, 20)}
    usage["shop"]["network"] = {"own_load_balancer": True}
    review = review_of(tmp_path, ruleset, usage)
    by_name = {item.name: item for item in review.workloads}
    assert eks_lines(by_name["shop"])["Application Load Balancer hours"] == pytest.approx(ALB_MONTH)
    text, usd = balancer_share(by_name["cart"])
    assert usd == pytest.approx(ALB_MONTH)
    assert text.endswith("its hours all billed to this workload: $16.43")
    # all of it is cart's: its saving counts it, and says nothing of others moving
    assert "share of the load balancer" not in by_name["cart"].why


def test_a_workload_behind_two_shared_ingresses_pays_a_share_of_each(tmp_path: Path, ruleset: Ruleset) -> None:
    """a-front routes to shop and cart, b-front to cart and blog: cart pays half of each, and while cart stays, both
    load balancers stay in the summary (audit of this stop's changes, F1: b-front was billed whole to blog, and counted
    saved while cart stayed behind it)."""
    text = app("shop") + "---\n" + app("cart") + "---\n" + app("blog")
    text += ingress("a-front", ["shop", "cart"]) + ingress("b-front", ["cart", "blog"])
    (tmp_path / "app.yaml").write_text(text)
    usage = {name: traffic(2_000_000, 20) for name in ("shop", "blog")} | {"cart": traffic(900_000_000, 900)}
    review = review_of(tmp_path, ruleset, usage)
    by_name = {item.name: item for item in review.workloads}
    shares = {
        name: sorted(
            (text.split(" a month of ")[1].split(" (")[0], usd)
            for text, usd in eks_lines(item).items()
            if text.startswith("Application Load Balancer $")
        )
        for name, item in by_name.items()
    }
    half = round(ALB_MONTH / 2, 4)  # $8.2125 each
    assert shares == {
        "shop": [("Ingress a-front", half)],
        "cart": [("Ingress a-front", half), ("Ingress b-front", half)],
        "blog": [("Ingress b-front", half)],
    }
    assert CLUSTER_BALANCER not in eks_lines(by_name["cart"])
    [note] = [text for text in by_name["cart"].decision.assumptions if text.startswith("team.current_platform is eks")]
    assert "the load balancer Ingress b-front (" in note
    assert "routes to it too, its hours ($16.43 a month) split between the 2 workloads it routes to" in note
    verdicts = {name: item.verdict for name, item in by_name.items()}
    assert verdicts == {"shop": "consider", "cart": "keep", "blog": "consider"}
    # cart stays behind both: shop's and blog's shares of them, and of the control plane, are still paid
    kept = by_name["cart"].monthly_cost_now_usd
    moved = sum(by_name[name].monthly_cost_recommended_usd or 0.0 for name in ("shop", "blog"))
    assert kept is not None
    left_behind = 2 * round(73 / 3, 2) + 2 * round(ALB_MONTH / 2, 2)
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(kept + moved + left_behind, abs=0.01)


def test_a_half_cent_share_is_one_figure_in_the_line_the_total_and_the_clause(tmp_path: Path, ruleset: Ruleset) -> None:
    """$16.425 split three ways is $5.475: said $5.48 on the line, added so to the total, left out so from the saving
    (audit of this stop's changes, F2: the clause said $5.47)."""
    text = "---\n".join(app(name) for name in ("shop", "cart", "blog")) + ingress("front", ["shop", "cart", "blog"])
    (tmp_path / "app.yaml").write_text(text)
    review = review_of(tmp_path, ruleset, {name: traffic(2_000_000, 20) for name in ("shop", "cart", "blog")})
    for item in review.workloads:
        line, usd = balancer_share(item)
        assert usd == pytest.approx(5.475)
        assert line.endswith("its hours split between 3 workloads in this review: $5.48")
        assert "its $5.48 share of the load balancer of Ingress front (" in item.why


def test_a_diff_that_adds_a_workload_behind_the_ingress_changes_no_other_cost(tmp_path: Path, ruleset: Ruleset) -> None:
    """The shares move with the count of workloads behind the Ingress; a diff compares costs without them, to the cent
    (audit of this stop's changes, F2: shop, untouched, was listed as changed by -$0.01)."""
    usage = {name: traffic(2_000_000, 20) for name in ("shop", "cart", "blog")}
    trees = {}
    for label, names in (("base", ["shop", "cart"]), ("head", ["shop", "cart", "blog"])):
        root = tmp_path / label
        root.mkdir()
        (root / "app.yaml").write_text("---\n".join(app(name) for name in names) + ingress("front", names))
        trees[label] = review_of(root, ruleset, {name: usage[name] for name in names})
    diff = compare(
        trees["base"],
        trees["head"],
        "base",
        lambda file: str(Path(file or "").name),
        lambda file: str(Path(file or "").name),
    )
    changed = {change.name: change.change for change in diff.changes}
    assert changed == {"blog": "added", "shop": "unchanged", "cart": "unchanged"}


def load_balancer_service(name: str, app_label: str) -> str:
    return f"""---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: LoadBalancer
  selector: {{tier: {app_label}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""


def labelled(name: str, tier: str) -> str:
    """A Deployment whose pods carry ``tier`` too, so one Service can select several Deployments' pods."""
    return app(name).replace(f"labels: {{app: {name}}}", f"labels: {{app: {name}, tier: {tier}}}")


def test_a_load_balancer_service_in_front_of_two_deployments_is_one_load_balancer(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Stable and canary Deployments behind one Service of type LoadBalancer: one load balancer, its hours split
    between them (real-repositories audit 38, F1: each was billed all of its hours)."""
    text = labelled("stable", "web") + "---\n" + labelled("canary", "web") + load_balancer_service("web", "web")
    (tmp_path / "app.yaml").write_text(text)
    review = review_of(tmp_path, ruleset, {name: traffic(5_000_000, 5) for name in ("stable", "canary")})
    assert len(review.workloads) == 2
    for item in review.workloads:
        assert not any("own_load_balancer" in field.field for field in item.fields_read)
        text, usd = balancer_share(item)
        assert text.startswith("Application Load Balancer $16.43 a month of Service web (")
        assert usd == pytest.approx(ALB_MONTH / 2)
        assert "Application Load Balancer hours" not in eks_lines(item)  # billed once, between them
        assert any("selects the pods of 2 workloads: one load balancer" in note for note in item.source_assumptions)


def test_every_load_balancer_in_front_of_a_workload_is_billed(tmp_path: Path, ruleset: Ruleset) -> None:
    """Its own Service of type LoadBalancer and an ALB Ingress routing to it alone: two load balancers."""
    text = labelled("shop", "shop") + load_balancer_service("shop-lb", "shop") + ingress("shop", ["shop"])
    (tmp_path / "app.yaml").write_text(text)
    [shop] = review_of(tmp_path, ruleset, {"shop": traffic(5_000_000, 5)}).workloads
    lines = eks_lines(shop)
    assert lines["Application Load Balancer hours"] == pytest.approx(ALB_MONTH)  # the Service's, its own
    text, usd = balancer_share(shop)
    assert text.startswith("Application Load Balancer $16.43 a month of Ingress shop (")
    assert text.endswith("its hours all billed to this workload: $16.43")
    assert usd == pytest.approx(ALB_MONTH)


def test_on_a_new_cluster_the_share_takes_the_place_of_its_load_balancer(tmp_path: Path, ruleset: Ruleset) -> None:
    """A workload the usage file puts on a new cluster has its own cluster's load balancer on the bill, billed whole;
    the Service's load balancer split between it and another is that load balancer: billed once, its share in place of
    the whole (audit of the stop's latest changes, F2: both were billed)."""
    text = labelled("a", "web") + "---\n" + labelled("b", "web") + load_balancer_service("front", "web")
    (tmp_path / "app.yaml").write_text(text)
    usage = {name: traffic(2_000_000, 20) for name in ("a", "b")}
    usage["a"]["team"] = {"new_cluster": True}
    review = review_of(tmp_path, ruleset, usage)
    by_name = {item.name: item for item in review.workloads}
    for name in ("a", "b"):
        lines = eks_lines(by_name[name])
        assert "Application Load Balancer hours" not in lines
        assert CLUSTER_BALANCER not in lines
        _, usd = balancer_share(by_name[name])
        assert usd == pytest.approx(ALB_MONTH / 2)
    [eks] = [entry for entry in by_name["a"].decision.ranking if entry.target == "eks"]
    assert eks.monthly_cost is not None
    assert eks.monthly_cost.total_usd == pytest.approx(sum(line.usd for line in eks.monthly_cost.lines), abs=0.01)


def test_a_job_behind_a_load_balancer_service_takes_no_share(tmp_path: Path, ruleset: Ruleset) -> None:
    """A CronJob serves no requests: a Service selecting its pods beside a Deployment's bills the Deployment the
    whole load balancer, none of it lost on the job (audit of the stop's latest changes, F4)."""
    cron = """---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {tier: web}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: nightly, image: nightly:1, resources: {requests: {cpu: 250m, memory: 512Mi}}}]
"""
    (tmp_path / "app.yaml").write_text(labelled("web", "web") + cron + load_balancer_service("front", "web"))
    review = review_of(tmp_path, ruleset, {"web": traffic(2_000_000, 20), "nightly": {}})
    by_name = {item.name: item for item in review.workloads}
    assert eks_lines(by_name["web"])["Application Load Balancer hours"] == pytest.approx(ALB_MONTH)  # its own
    assert not any(text.startswith("Application Load Balancer") for text in eks_lines(by_name["nightly"]))


def test_several_shares_keep_the_bill_total_its_lines_to_the_cent(tmp_path: Path, ruleset: Ruleset) -> None:
    """Shares are added to a bill at once and rounded once: its total is its lines' sum to the cent (audit of the
    stop's latest changes, F5: $87.87 against $87.89 when each share was rounded as it was added)."""
    text = "---\n".join(app(name) for name in ("shop", "cart", "blog"))
    text += ingress("a-front", ["shop", "cart", "blog"]) + ingress("b-front", ["cart", "blog"])
    (tmp_path / "app.yaml").write_text(text)
    review = review_of(tmp_path, ruleset, {name: traffic(2_000_000, 20) for name in ("shop", "cart", "blog")})
    for item in review.workloads:
        [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
        assert eks.monthly_cost is not None
        assert eks.monthly_cost.total_usd == pytest.approx(sum(line.usd for line in eks.monthly_cost.lines), abs=0.006)
