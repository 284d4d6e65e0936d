"""How traffic reaches Kubernetes workloads (tests/fixtures/kubernetes-routes): a workload reached only through
ClusterIP Services is billed no public front door; a LoadBalancer or NodePort Service, an Ingress or a Gateway API
route keeps today's front door; a workload no Service selects is read as before. Service ports that are all gRPC say
the workload serves gRPC, which keeps Lambda out (limits.lambda-grpc-only); where an organisation's rules let it in, a
verdict that recommends Lambda for a gRPC-only service says what the move takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.review import ReviewedWorkload, review_imported
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage
from tests.conftest import REPO_ROOT

ROUTES = REPO_ROOT / "tests" / "fixtures" / "kubernetes-routes"
USAGE = ROUTES / "usage.yaml"
INTERNAL = "reached only through"
GRPC_MOVE = "moving to Lambda means replacing gRPC with HTTP/JSON"


def read(paths: list[Path]) -> dict[str, ImportedWorkload]:
    return {workload.name: workload for workload in find_workloads([str(path) for path in paths]).workloads}


def reviewed(
    workloads: dict[str, ImportedWorkload], ruleset: Ruleset, usage: Path = USAGE
) -> dict[str, ReviewedWorkload]:
    found = list(workloads.values())
    apply_usage(found, read_usage(str(usage)), str(usage))
    return {item.name: item for item in review_imported(found, ruleset).workloads}


def bill_items(item: ReviewedWorkload, target: str) -> list[str]:
    [entry] = [entry for entry in item.decision.ranking if entry.target == target]
    assert entry.monthly_cost is not None
    return [line.item for line in entry.monthly_cost.lines]


def test_a_workload_reached_only_through_cluster_ip_services_has_no_public_front_door() -> None:
    found = read([ROUTES])
    quotes = found["quotes"]
    assert quotes.raw["traffic"] == {"protocols": ["http"], "front_door": "none"}
    [note] = [note for note in quotes.assumptions if INTERNAL in note]
    assert "ClusterIP Service quotes (tests/fixtures/kubernetes-routes/pricing/apps.yaml:18)" in note
    assert "no public front door is billed" in note
    # the Deployment and its Service are separate files of one kustomization, which puts both in namespace shop
    cart = found["cart"]
    assert (cart.namespace, cart.raw["traffic"]["front_door"]) == ("shop", "none")
    assert any(
        "ClusterIP Service cart (tests/fixtures/kubernetes-routes/shop/cart-service.yaml:1)" in n
        for n in cart.assumptions
    )


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("storefront", "an Ingress routes to its Service"),
        ("api", "its Service is of type LoadBalancer"),
        ("checkout", "an HTTPRoute in another file routes to its Service"),
        ("ledger", "the Service with its selector is in another namespace"),
        ("reports", "no Service selects it"),
    ],
)
def test_a_public_entry_or_no_service_keeps_todays_front_door(name: str, why: str) -> None:
    workload = read([ROUTES])[name]
    assert "front_door" not in workload.raw["traffic"], why
    assert not any(INTERNAL in note for note in workload.assumptions), why


def test_no_front_door_is_billed_for_an_internal_workload_wherever_it_runs(ruleset: Ruleset) -> None:
    """quotes (ClusterIP only) is priced on Lambda without API Gateway and on Fargate without a load balancer; the same
    Deployment given a LoadBalancer Service keeps both."""
    quotes = reviewed(read([ROUTES]), ruleset)["quotes"]
    assert not any("API Gateway" in line for line in bill_items(quotes, "lambda"))
    assert not any("Load Balancer" in line for line in bill_items(quotes, "ecs-fargate"))
    public = read([ROUTES / "pricing" / "apps.yaml"])
    usage = {"api": {"traffic": {"requests_per_month": 300000}}}
    api = public["api"]
    apply_usage([api], usage, "usage.yaml")
    [entry] = review_imported([api], ruleset).workloads
    assert any("API Gateway" in line for line in bill_items(entry, "lambda"))
    assert any("Application Load Balancer" in line for line in bill_items(entry, "ecs-fargate"))


def test_service_ports_that_are_all_grpc_say_it_serves_grpc() -> None:
    """cart's container names no port (it would be read as a worker that serves no requests); its Service's only port
    has appProtocol grpc."""
    cart = read([ROUTES])["cart"]
    assert cart.raw["traffic"]["protocols"] == ["grpc"]
    assert not any("serves no requests" in note for note in cart.assumptions)
    assert any("serves gRPC: every port of Service cart" in note for note in cart.assumptions)
    # read without its Service, it is the worker it looks like
    alone = read([ROUTES / "shop" / "cart.yaml"])["cart"]
    assert alone.raw["traffic"] == {"front_door": "none"}  # no door priced for a worker
    assert any("serves no requests" in note for note in alone.assumptions)


def test_a_grpc_only_service_is_kept_off_lambda(ruleset: Ruleset) -> None:
    """No AWS front door carries gRPC to a function: a gRPC-only service is not recommended Lambda, and says why."""
    cart = reviewed(read([ROUTES]), ruleset)["cart"]
    assert cart.decision.recommendation != "lambda"
    assert "limits.lambda-grpc-only" in {reason.rule for item in cart.decision.excluded for reason in item.reasons}
    assert GRPC_MOVE not in cart.why  # nothing recommends the move
    # quotes serves HTTP: Lambda stays in, and nothing is said of gRPC
    quotes = reviewed(read([ROUTES]), ruleset)["quotes"]
    assert quotes.decision.recommendation == "lambda"
    assert "gRPC" not in quotes.why


@pytest.fixture
def lambda_for_grpc(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    """The shipped rules with limits.lambda-grpc-only disabled, as an organisation that fronts functions with its own
    gRPC-to-HTTP translation would run them."""
    extra = tmp_path_factory.mktemp("org-rules")
    (extra / "grpc.yaml").write_text("- {id: limits.lambda-grpc-only, disabled: true}\n", encoding="utf-8")
    return load_ruleset([extra])


def test_a_grpc_only_service_recommended_lambda_is_told_what_the_move_takes(lambda_for_grpc: Ruleset) -> None:
    cart = reviewed(read([ROUTES]), lambda_for_grpc)["cart"]
    assert (cart.verdict, cart.decision.recommendation) == ("consider", "lambda")
    assert GRPC_MOVE in cart.why
    assert "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html" in cart.why


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: server
          image: example/{name}:1
          ports: {ports}
          resources: {{requests: {{cpu: 200m, memory: 128Mi}}}}
"""


def test_a_container_port_named_grpc_alone_says_it_too(tmp_path: Path, lambda_for_grpc: Ruleset) -> None:
    """No Service needed: a container whose only port is named grpc serves gRPC; one that also serves HTTP is not told
    that moving means giving up gRPC."""
    (tmp_path / "apps.yaml").write_text(
        DEPLOYMENT.format(name="rates", ports="[{name: grpc, containerPort: 9090}]")
        + "---\n"
        + DEPLOYMENT.format(name="mixed", ports="[{name: http, containerPort: 8080}]")
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: mixed-grpc}\n"
        "spec: {selector: {app: mixed}, ports: [{name: grpc, port: 9090}]}\n",
        encoding="utf-8",
    )
    usage = tmp_path / "usage.yaml"
    usage.write_text(
        "rates: {traffic: {requests_per_month: 200000}}\nmixed: {traffic: {requests_per_month: 200000}}\n",
        encoding="utf-8",
    )
    found = read([tmp_path])
    assert found["mixed"].raw["traffic"]["protocols"] == ["http"]  # its container names its port http
    result = reviewed(found, lambda_for_grpc, usage)
    assert result["rates"].decision.recommendation == "lambda"
    assert GRPC_MOVE in result["rates"].why
    assert GRPC_MOVE not in result["mixed"].why


def test_node_port_services_and_openshift_routes_are_public(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(
        DEPLOYMENT.format(name="legacy", ports="[{name: http, containerPort: 8080}]")
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: legacy}\n"
        "spec: {type: NodePort, selector: {app: legacy}, ports: [{port: 80}]}\n"
        "---\n"
        + DEPLOYMENT.format(name="portal", ports="[{name: http, containerPort: 8080}]")
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: portal}\nspec: {selector: {app: portal}}\n",
        encoding="utf-8",
    )
    (tmp_path / "route.yaml").write_text(
        "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: portal}\n"
        "spec: {to: {kind: Service, name: portal}}\n",
        encoding="utf-8",
    )
    found = read([tmp_path])
    assert all("front_door" not in found[name].raw["traffic"] for name in ("legacy", "portal"))


def test_a_service_in_one_variant_folder_reaches_only_that_variants_workload(tmp_path: Path) -> None:
    """Alternative deployments of one app (the same Deployment in two folders) cannot run side by side: the ClusterIP
    Service beside one of them is not what reaches the other, which its own LoadBalancer Service keeps public."""
    web = DEPLOYMENT.format(name="web", ports="[{name: http, containerPort: 8080}]")
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{{kind}selector: {{app: web}}}}\n"
    for folder, kind in (("base", "type: LoadBalancer, "), ("internal", "")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "web.yaml").write_text(web + service.format(kind=kind), encoding="utf-8")
    found = {Path(item.file).parent.name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert "front_door" not in found["base"].raw["traffic"]
    assert found["internal"].raw["traffic"]["front_door"] == "none"
    [note] = [note for note in found["internal"].assumptions if "applies to one of 2 Deployments named web" in note]
    assert note.endswith("applied to this one, the one in its own file")


def test_a_service_reaches_the_deployment_in_its_own_file_before_one_in_a_sibling_file(tmp_path: Path) -> None:
    """Install files of one folder applied one instead of another (a TCP echo server's IPv4 and dual-stack
    variants), each a Service web and a Deployment web: each Deployment is reached by its own file's Service, and is
    read as that file reviewed alone reads it (raw TCP and no public front door; HTTP behind a LoadBalancer)."""
    web = DEPLOYMENT.format(name="web", ports="[{containerPort: 9000}]")
    service = "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{{spec}selector: {{app: web}}}}\n---\n"
    files = {
        "tcp-echo.yaml": service.format(spec="ports: [{name: tcp, port: 9000}], ") + web,
        "tcp-echo-public.yaml": service.format(spec="type: LoadBalancer, ports: [{name: http, port: 80}], ") + web,
    }
    alone = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        [workload] = find_workloads([str(tmp_path / name)]).workloads
        alone[name] = workload.raw["traffic"]
    assert alone == {
        "tcp-echo.yaml": {"protocols": ["tcp"], "front_door": "none"},
        "tcp-echo-public.yaml": {"protocols": ["http"]},
    }
    found = {Path(item.file).name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert {name: item.raw["traffic"] for name, item in found.items()} == alone
    for name, workload in found.items():
        [note] = [note for note in workload.assumptions if "applies to one of 2 Deployments named web" in note]
        assert f"({tmp_path / name}:1)" in note
        assert note.endswith("applied to this one, the one in its own file")


@pytest.mark.parametrize(
    ("objects", "front_door"),
    [
        ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: []\n", None),
        ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: app, ports: 7}\n", None),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName, externalName: x.io}\n",
            None,
        ),
        (
            "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n",
            None,
        ),
        # a valid selector with odd metadata and ports: the Service is read, its ports as not gRPC
        (
            "apiVersion: v1\nkind: Service\nmetadata: [web]\nspec: {selector: {app: web}, ports: [grpc, {name: 5}]}\n",
            "none",
        ),
        # malformed routes name no backend: the valid ClusterIP Service beside them stays internal
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n---\n"
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n"
            "spec: {rules: [7, {http: {paths: x}}]}\n"
            "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web}\n"
            "spec: {rules: [{backendRefs: [7, {name: 5}]}, 3]}\n",
            "none",
        ),
    ],
    ids=["spec-list", "bad-fields", "external-name", "knative", "odd-metadata-and-ports", "bad-routes"],
)
def test_odd_services_and_routes_are_read_without_a_traceback(
    tmp_path: Path, objects: str, front_door: str | None
) -> None:
    """A malformed or selector-less Service, or another API's Service, selects nothing; a malformed route names no
    backend. Either way the review goes on without a traceback, and a valid ClusterIP Service among them is read as
    any other."""
    (tmp_path / "web.yaml").write_text(
        DEPLOYMENT.format(name="web", ports="[{name: http, containerPort: 8080}]") + "---\n" + objects,
        encoding="utf-8",
    )
    web = read([tmp_path])["web"]
    assert web.raw["traffic"].get("front_door") == front_door
    assert web.raw["traffic"]["protocols"] == ["http"]


def _service(name: str, namespace: str | None = None) -> str:
    placed = f", namespace: {namespace}" if namespace else ""
    return f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}{placed}}}\nspec: {{selector: {{app: {name}}}}}\n"


def _ingress(backend: str, namespace: str | None = None) -> str:
    placed = f", namespace: {namespace}" if namespace else ""
    return (
        f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: storefront{placed}}}\n"
        f"spec: {{defaultBackend: {{service: {{name: {backend}, port: {{number: 80}}}}}}}}\n"
    )


def _deployment(name: str, namespace: str | None) -> str:
    text = DEPLOYMENT.format(name=name, ports="[{name: http, containerPort: 8080}]")
    return text.replace(f"name: {name}}}", f"name: {name}, namespace: {namespace}}}", 1) if namespace else text


@pytest.mark.parametrize(
    ("service_namespace", "ingress_namespace", "public"),
    [
        ("internal", "shop", False),  # an Ingress routes only to Services of its own namespace
        ("shop", "shop", True),
        ("internal", None, True),  # the Ingress's namespace is not stated (kubectl apply -n): it may be internal's
        (None, "shop", True),
    ],
    ids=["other-namespace", "same-namespace", "ingress-namespace-unstated", "service-namespace-unstated"],
)
def test_an_ingress_reaches_a_service_of_its_own_namespace(
    tmp_path: Path, service_namespace: str | None, ingress_namespace: str | None, public: bool
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "other").mkdir()
    app = _deployment("web", service_namespace) + "---\n" + _service("web", service_namespace)
    (tmp_path / "app" / "web.yaml").write_text(app, encoding="utf-8")
    (tmp_path / "other" / "ingress.yaml").write_text(_ingress("web", ingress_namespace), encoding="utf-8")
    [web] = find_workloads([str(tmp_path)]).workloads
    assert ("front_door" not in web.raw["traffic"]) is public
    said = [note for note in web.assumptions if "Ingress storefront" in note]
    assert bool(said) is public
    if public:
        assert "routes to Service web" in said[0]
        assert "reached from outside" in said[0]


def test_an_ingress_reaches_the_nearest_of_services_sharing_a_name(tmp_path: Path) -> None:
    """Two examples each with a Service coffee-svc (alternative deployments of one name): the Ingress beside one
    makes that one public, not the other, which only its own ClusterIP Service reaches."""
    for folder, ingress in (("ingress-example", True), ("routing-example", False)):
        (tmp_path / folder).mkdir()
        text = _deployment("coffee-svc", None) + "---\n" + _service("coffee-svc")
        (tmp_path / folder / "cafe.yaml").write_text(text, encoding="utf-8")
        if ingress:
            (tmp_path / folder / "cafe-ingress.yaml").write_text(_ingress("coffee-svc"), encoding="utf-8")
    found = {Path(item.file).parent.name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert "front_door" not in found["ingress-example"].raw["traffic"]
    assert found["routing-example"].raw["traffic"]["front_door"] == "none"


def test_a_gateway_route_may_name_a_service_of_another_namespace(tmp_path: Path) -> None:
    app = _deployment("api", "backend") + "---\n" + _service("api", "backend")
    (tmp_path / "api.yaml").write_text(app, encoding="utf-8")
    route = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: edge, namespace: gateway}\n"
        "spec: {rules: [{backendRefs: [{name: api, namespace: NS, port: 80}]}]}\n"
    )
    for namespace, public in (("backend", True), ("frontend", False)):
        (tmp_path / "route.yaml").write_text(route.replace("NS", namespace), encoding="utf-8")
        [api] = find_workloads([str(tmp_path)]).workloads
        assert ("front_door" not in api.raw["traffic"]) is public, namespace
