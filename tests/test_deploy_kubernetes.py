"""deploy/kubernetes/ as a cluster takes it: valid for the Kubernetes API (kubernetes-validate's schemas, strict,
offline), admitted by Pod Security "restricted", and clean of the Checkov checks that apply to it (the two it does
not meet are skipped in the Deployment's annotations, with the reason)."""

from __future__ import annotations

import copy
import ipaddress
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes_validate import utils as kubernetes_validate  # type: ignore[import-untyped]

from decider.documents import read_file

REPO_ROOT = Path(__file__).resolve().parent.parent
KUBERNETES = REPO_ROOT / "deploy" / "kubernetes"
NAMESPACE = "decider"
#: The oldest and newest Kubernetes versions the manifests must be valid for (as `make manifests`).
VERSIONS = ("1.30", "1.37")
Document = dict[str, Any]


def manifests() -> dict[str, Document]:
    """Every manifest by file name, the kustomization aside (it is kustomize's, not the API's)."""
    found: dict[str, Document] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found[path.name] = read_file(path)
    return found


def of_kind(kind: str) -> Document:
    [document] = [document for document in manifests().values() if document["kind"] == kind]
    return document


def pod_spec(deployment: Document) -> Document:
    spec: Document = deployment["spec"]["template"]["spec"]
    return spec


def containers(spec: Document) -> list[Document]:
    every: list[Document] = [
        *spec.get("initContainers", []),
        *spec.get("containers", []),
        *spec.get("ephemeralContainers", []),
    ]
    return every


def pod_labels() -> dict[str, str]:
    labels: dict[str, str] = of_kind("Deployment")["spec"]["template"]["metadata"]["labels"]
    return labels


def project_version() -> str:
    version: str = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


# --- the API's schemas -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(manifests()))
def test_manifest_is_valid_for_the_kubernetes_api(name: str, version: str) -> None:
    # Raises on an unknown field (strict), a wrong type or an unknown kind (SchemaNotFoundError).
    kubernetes_validate.validate(manifests()[name], version, strict=True)


def test_the_schema_check_refuses_a_misspelled_field_and_an_unknown_kind() -> None:
    deployment = copy.deepcopy(of_kind("Deployment"))
    pod_spec(deployment)["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate({**of_kind("Service"), "kind": "Servic"}, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest_namespace_first() -> None:
    kustomization = read_file(KUBERNETES / "kustomization.yaml")
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(manifests())
    assert kustomization["resources"][0] == "namespace.yaml"


# --- Pod Security "restricted" ----------------------------------------------------------------------------------

#: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (baseline and restricted, v1.30 and on).
RESTRICTED_VOLUME_TYPES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}


def restricted_violations(spec: Document) -> list[str]:
    """What Pod Security "restricted" (which includes "baseline") refuses in a pod spec, one line per violation."""
    found: list[str] = []
    pod = spec.get("securityContext", {})
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            found.append(f"{field} is true")
    for volume in spec.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUME_TYPES:
            found.append(f"volume {volume['name']} is of type {sorted(kinds)}")
    for sysctl in pod.get("sysctls", []):
        if sysctl["name"] not in SAFE_SYSCTLS:
            found.append(f"sysctl {sysctl['name']} is not in the safe set")
    if pod.get("runAsUser") == 0:
        found.append("the pod runs as UID 0")
    for container in containers(spec):
        name = container["name"]
        context = container.get("securityContext", {})
        if context.get("privileged"):
            found.append(f"{name} is privileged")
        if context.get("windowsOptions", {}).get("hostProcess") or pod.get("windowsOptions", {}).get("hostProcess"):
            found.append(f"{name} is a Windows host process")
        if any(port.get("hostPort") for port in container.get("ports", [])):
            found.append(f"{name} uses a host port")
        if context.get("procMount", "Default") != "Default":
            found.append(f"{name} has procMount {context['procMount']}")
        for level in (pod, context):
            if level.get("seLinuxOptions", {}).get("type", "") not in SELINUX_TYPES:
                found.append(f"{name} has a forbidden SELinux type")
            if level.get("appArmorProfile", {}).get("type", "RuntimeDefault") not in ("RuntimeDefault", "Localhost"):
                found.append(f"{name} has a forbidden AppArmor profile")
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name} does not set allowPrivilegeEscalation: false")
        if context.get("runAsNonRoot", pod.get("runAsNonRoot")) is not True:
            found.append(f"{name} does not set runAsNonRoot: true")
        if context.get("runAsUser") == 0:
            found.append(f"{name} runs as UID 0")
        seccomp = context.get("seccompProfile", pod.get("seccompProfile", {})).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f"{name} has seccomp profile {seccomp}, not RuntimeDefault or Localhost")
        capabilities = context.get("capabilities", {})
        if "ALL" not in capabilities.get("drop", []):
            found.append(f"{name} does not drop ALL capabilities")
        if set(capabilities.get("add", [])) - {"NET_BIND_SERVICE"}:
            found.append(f"{name} adds capabilities {capabilities['add']}")
    return found


def test_the_pod_passes_pod_security_restricted() -> None:
    assert restricted_violations(pod_spec(of_kind("Deployment"))) == []


def test_the_namespace_enforces_pod_security_restricted() -> None:
    namespace = of_kind("Namespace")
    assert namespace["metadata"]["name"] == NAMESPACE
    labels = namespace["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def _set(path: str, value: Any) -> Callable[[Document], None]:
    """A change to a pod spec: ``path`` is dotted, ``c`` meaning the first container."""

    def change(spec: Document) -> None:
        keys = path.split(".")
        target = spec
        for key in keys[:-1]:
            target = target["containers"][0] if key == "c" else target.setdefault(key, {})
        target[keys[-1]] = value

    return change


BREAKING_CHANGES = {
    "escalation": _set("c.securityContext.allowPrivilegeEscalation", True),
    "root": _set("c.securityContext.runAsUser", 0),
    "no-non-root": _set("c.securityContext.runAsNonRoot", False),
    "unconfined": _set("c.securityContext.seccompProfile", {"type": "Unconfined"}),
    "capabilities": _set("c.securityContext.capabilities", {"drop": ["NET_RAW"], "add": ["SYS_ADMIN"]}),
    "privileged": _set("c.securityContext.privileged", True),
    "host-network": _set("hostNetwork", True),
    "host-path": _set("volumes", [{"name": "host", "hostPath": {"path": "/"}}]),
    "host-port": _set("c.ports", [{"containerPort": 8000, "hostPort": 8000}]),
}


@pytest.mark.parametrize("change", sorted(BREAKING_CHANGES))
def test_the_restricted_check_catches_each_kind_of_violation(change: str) -> None:
    spec = copy.deepcopy(pod_spec(of_kind("Deployment")))
    BREAKING_CHANGES[change](spec)
    assert restricted_violations(spec)


# --- Checkov-style checks ---------------------------------------------------------------------------------------


def _container() -> Document:
    [container] = pod_spec(of_kind("Deployment"))["containers"]
    found: Document = container
    return found


def _context() -> Document:
    context: Document = _container()["securityContext"]
    return context


def _image_tag() -> str:
    image: str = _container()["image"]
    return image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""


def _network_policy_selects_the_pods() -> bool:
    policy = of_kind("NetworkPolicy")["spec"]
    return bool(policy["podSelector"]["matchLabels"].items() <= pod_labels().items())


#: Checkov's Kubernetes checks that apply to a Deployment like this one: id -> (what it asks, does it hold).
CHECKS: dict[str, tuple[str, Callable[[], bool]]] = {
    "CKV_K8S_8": ("liveness probe", lambda: "livenessProbe" in _container()),
    "CKV_K8S_9": ("readiness probe", lambda: "readinessProbe" in _container()),
    "CKV_K8S_10": ("CPU requests", lambda: "cpu" in _container()["resources"]["requests"]),
    "CKV_K8S_11": ("CPU limits", lambda: "cpu" in _container()["resources"]["limits"]),
    "CKV_K8S_12": ("memory requests", lambda: "memory" in _container()["resources"]["requests"]),
    "CKV_K8S_13": ("memory limits", lambda: "memory" in _container()["resources"]["limits"]),
    "CKV_K8S_14": ("a fixed image tag, not latest", lambda: _image_tag() not in ("", "latest")),
    "CKV_K8S_15": ("image pull policy Always", lambda: _container()["imagePullPolicy"] == "Always"),
    "CKV_K8S_16": ("not privileged", lambda: _context().get("privileged") is False),
    "CKV_K8S_17": ("no host PID", lambda: not pod_spec(of_kind("Deployment")).get("hostPID")),
    "CKV_K8S_18": ("no host IPC", lambda: not pod_spec(of_kind("Deployment")).get("hostIPC")),
    "CKV_K8S_19": ("no host network", lambda: not pod_spec(of_kind("Deployment")).get("hostNetwork")),
    "CKV_K8S_20": ("no privilege escalation", lambda: _context()["allowPrivilegeEscalation"] is False),
    "CKV_K8S_21": (
        "not the default namespace",
        lambda: all(
            document["metadata"].get("namespace") == NAMESPACE
            for document in manifests().values()
            if document["kind"] != "Namespace"
        ),
    ),
    "CKV_K8S_22": ("read-only root filesystem", lambda: _context()["readOnlyRootFilesystem"] is True),
    "CKV_K8S_23": ("not root", lambda: _context()["runAsNonRoot"] is True),
    "CKV_K8S_25": ("no added capability", lambda: not _context()["capabilities"].get("add")),
    "CKV_K8S_26": ("no host port", lambda: not any(port.get("hostPort") for port in _container()["ports"])),
    "CKV_K8S_28": ("NET_RAW dropped", lambda: {"ALL", "NET_RAW"} & set(_context()["capabilities"]["drop"]) != set()),
    "CKV_K8S_29": ("a pod security context", lambda: bool(pod_spec(of_kind("Deployment"))["securityContext"])),
    "CKV_K8S_30": ("a container security context", lambda: bool(_context())),
    "CKV_K8S_31": ("seccomp RuntimeDefault", lambda: _context()["seccompProfile"]["type"] == "RuntimeDefault"),
    "CKV_K8S_37": ("every capability dropped", lambda: _context()["capabilities"]["drop"] == ["ALL"]),
    "CKV_K8S_38": (
        "no service account token",
        lambda: (
            pod_spec(of_kind("Deployment"))["automountServiceAccountToken"] is False
            and of_kind("ServiceAccount")["automountServiceAccountToken"] is False
        ),
    ),
    "CKV_K8S_40": ("a high UID", lambda: _context()["runAsUser"] >= 10000),
    "CKV_K8S_41": (
        "not the default service account",
        lambda: pod_spec(of_kind("Deployment"))["serviceAccountName"] == of_kind("ServiceAccount")["metadata"]["name"],
    ),
    "CKV2_K8S_6": ("a NetworkPolicy selects the pods", _network_policy_selects_the_pods),
}
#: Checkov's annotation for a check deliberately not met: ``checkov.io/skipN: CHECK_ID=reason``.
SKIPPED = {"CKV_K8S_35", "CKV_K8S_43"}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_checkov_style_check(check: str) -> None:
    what, holds = CHECKS[check]
    assert holds(), f"{check}: {what}"


def test_the_checks_not_met_are_skipped_with_a_reason() -> None:
    annotations = of_kind("Deployment")["metadata"]["annotations"]
    skips = dict(value.split("=", 1) for key, value in annotations.items() if re.fullmatch(r"checkov\.io/skip\d+", key))
    assert set(skips) == SKIPPED
    assert all(len(reason) > 20 for reason in skips.values())
    assert not SKIPPED & set(CHECKS)


# --- what the manifests wire together ---------------------------------------------------------------------------


def test_the_image_is_the_release_of_this_version() -> None:
    assert _image_tag() == project_version()
    assert of_kind("Deployment")["metadata"]["labels"]["app.kubernetes.io/version"] == project_version()


def test_secrets_come_from_kubernetes_secrets_under_the_names_settings_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import Settings

    env = {item["name"]: item for item in _container()["env"]}
    for name in ("DECIDER_API_KEYS", "SLACK_SIGNING_SECRET"):
        reference = env[name]["valueFrom"]["secretKeyRef"]
        assert reference["name"].startswith("decider-")
        assert reference["optional"] is True  # the API starts without them: no keys, Slack answering 503
        assert "value" not in env[name]
        monkeypatch.setenv(name, "from-the-secret")
    settings = Settings()
    assert settings.api_keys == ("from-the-secret",)
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == "from-the-secret"


def test_the_only_writable_path_is_a_bounded_tmp() -> None:
    spec = pod_spec(of_kind("Deployment"))
    assert _context()["readOnlyRootFilesystem"] is True
    mounts = {mount["name"]: mount["mountPath"] for mount in _container()["volumeMounts"]}
    assert mounts == {"tmp": "/tmp"}
    [volume] = spec["volumes"]
    assert volume["name"] == "tmp"
    assert volume["emptyDir"]["sizeLimit"]


def test_the_disruption_budget_keeps_a_pod_of_the_autoscalers_minimum() -> None:
    budget = of_kind("PodDisruptionBudget")["spec"]
    assert budget["selector"]["matchLabels"].items() <= pod_labels().items()
    assert 0 < budget["minAvailable"] < of_kind("HorizontalPodAutoscaler")["spec"]["minReplicas"]


def test_the_network_policy_admits_the_http_port_only_and_egress_to_dns_and_public_https() -> None:
    policy = of_kind("NetworkPolicy")["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    dns, https = policy["egress"]
    # DNS to the cluster's resolver only.
    assert dns["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]
    assert sorted(port["protocol"] for port in dns["ports"]) == ["TCP", "UDP"]
    assert {port["port"] for port in dns["ports"]} == {53}
    # HTTPS (Slack's response URLs) to public addresses only: not the cluster, the VPC or the metadata address.
    assert https["ports"] == [{"port": 443, "protocol": "TCP"}]
    [block] = https["to"]
    assert block["ipBlock"]["cidr"] == "0.0.0.0/0"
    kept_out = [ipaddress.ip_network(cidr) for cidr in block["ipBlock"]["except"]]
    for address in ("10.0.0.1", "172.20.0.10", "192.168.1.1", "169.254.169.254", "127.0.0.1", "100.64.0.1"):
        assert any(ipaddress.ip_address(address) in network for network in kept_out), address
    [rule] = policy["ingress"]
    assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert _container()["ports"][0]["name"] == "http"
