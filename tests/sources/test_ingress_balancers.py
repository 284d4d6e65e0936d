"""A Kubernetes Ingress's own Application Load Balancer (decider/sources/kubernetes_ingress.py): an Ingress of the
AWS Load Balancer Controller's class with no IngressGroup gets an ALB of its own, billed to the one workload it routes
to even on the cluster the team runs (``network.own_load_balancer``), its hours split between several when it routes
to several (decider/review_cluster.py ``share_fixed_costs``); an IngressGroup's and another controller's stay the
cluster's shared load balancer."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider import Ruleset
from decider.review import review_imported
from decider.sources import ImportedWorkload, find_workloads
from tests.manifests import deployment


def app(name: str) -> str:
    return (
        deployment(name)
        + f"""---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""
    )


def ingress(name: str, backends: list[str], *, spec_class: str | None = "alb", annotations: str = "") -> str:
    paths = "\n".join(
        f"""          - path: /{backend}
            pathType: Prefix
            backend: {{service: {{name: {backend}, port: {{number: 80}}}}}}"""
        for backend in backends
    )
    class_line = f"  ingressClassName: {spec_class}\n" if spec_class else ""
    return f"""---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
{annotations}spec:
{class_line}  rules:
    - http:
        paths:
{paths}
"""


def found(tmp_path: Path, text: str) -> dict[str, ImportedWorkload]:
    (tmp_path / "app.yaml").write_text(text, encoding="utf-8")
    return {item.name: item for item in find_workloads([str(tmp_path)]).workloads}


def said(item: ImportedWorkload, text: str) -> bool:
    return any(text in note for note in item.assumptions)


def test_an_alb_ingress_routing_to_one_workload_is_its_own_load_balancer(tmp_path: Path, ruleset: Ruleset) -> None:
    workloads = found(tmp_path, app("shop") + ingress("shop", ["shop"]))
    shop = workloads["shop"]
    assert shop.raw["network"]["own_load_balancer"] is True
    assert said(shop, "Ingress shop (")
    assert said(shop, "routes to this workload alone: its hours billed to it")
    usage = {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}}
    shop.raw = {**shop.raw, **usage}
    review = review_imported([shop], ruleset)
    [eks] = [entry for entry in review.workloads[0].decision.ranking if entry.target == "eks"]
    assert eks.monthly_cost is not None
    hours = [line for line in eks.monthly_cost.lines if line.item.startswith("Application Load Balancer hours")]
    # billed in full on the existing cluster: 730 hours at the book's $0.0225 (us-east-1)
    assert [(line.item, line.usd) for line in hours] == [("Application Load Balancer hours", 16.425)]


@pytest.mark.parametrize(
    ("spec_class", "annotations"),
    [
        (None, "  annotations:\n    kubernetes.io/ingress.class: alb\n"),  # the older annotation names the class
    ],
)
def test_the_class_annotation_names_the_controller_too(
    tmp_path: Path, spec_class: str | None, annotations: str
) -> None:
    text = app("shop") + ingress("shop", ["shop"], spec_class=spec_class, annotations=annotations)
    workloads = found(tmp_path, text)
    assert workloads["shop"].raw["network"]["own_load_balancer"] is True


@pytest.mark.parametrize(
    ("spec_class", "annotations"),
    [
        ("nginx", ""),  # ingress-nginx: its controller's one load balancer serves every Ingress of the class
        ("alb", "  annotations:\n    alb.ingress.kubernetes.io/group.name: shared\n"),  # an IngressGroup's ALB
        (None, ""),  # no class named: the cluster's default, not known from the files
    ],
)
def test_other_controllers_and_ingress_groups_keep_the_shared_load_balancer(
    tmp_path: Path, spec_class: str | None, annotations: str
) -> None:
    text = app("shop") + ingress("shop", ["shop"], spec_class=spec_class, annotations=annotations)
    shop = found(tmp_path, text)["shop"]
    assert "own_load_balancer" not in shop.raw.get("network", {})
    assert said(shop, "Ingress shop (")  # still reached from outside through it


def test_an_alb_shared_by_two_workloads_is_neither_ones_own(tmp_path: Path) -> None:
    workloads = found(tmp_path, app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    for name in ("shop", "cart"):
        item = workloads[name]
        assert "own_load_balancer" not in item.raw.get("network", {})
        assert said(item, "shared by the 2 workloads it routes to: its hours are split between them")
        [balancer] = item.balancers
        assert balancer.startswith("Ingress front (")
