"""Kubernetes pods as the scheduler sizes them (init containers count), and the objects that hold pods: a List's items
are manifests of their own, an Argo Rollout reads like a Deployment, and another custom resource that runs pods from a
template is listed as skipped rather than dropped without a word. A Job run is its pods, a suspended one runs none;
the node a pod selects (by GA or deprecated labels, or node affinity) and the node paths it mounts are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decider.sources import find_workloads

POD = """apiVersion: v1
kind: Pod
metadata: {{name: q1}}
spec:
  initContainers:
{init}
  containers:
    - {{name: main, image: a, resources: {{requests: {{cpu: 500m, memory: 512Mi}}}}}}
"""
MIGRATE = "    - {name: migrate, image: m, resources: {requests: {cpu: '4', memory: 8Gi}}}"
SIDECAR = "    - {name: proxy, image: p, restartPolicy: Always, resources: {requests: {cpu: 100m, memory: 64Mi}}}"
SMALL = "    - {name: wait, image: w, resources: {requests: {cpu: 100m, memory: 32Mi}}}"


@pytest.mark.parametrize(
    ("init", "vcpu", "memory_mb"),
    [
        ([MIGRATE, SIDECAR], 4.0, 8192),  # the migration runs alone: the pod reserves its 4 vCPU / 8 GiB
        ([SIDECAR, MIGRATE], 4.1, 8256),  # the sidecar started first runs beside the migration
        ([SMALL, SIDECAR], 0.6, 576),  # a small init container: the containers and the sidecar, summed
    ],
)
def test_a_pod_is_sized_as_kubernetes_reserves_it_init_containers_included(
    tmp_path: Path, init: list[str], vcpu: float, memory_mb: int
) -> None:
    """The scheduler (and EKS Fargate) reserves max(each regular init container, the app containers' sum), with the
    native sidecars started before each counted in: a 4 vCPU migration makes a 4 vCPU pod, not a 0.6 vCPU one."""
    (tmp_path / "pod.yaml").write_text(POD.format(init="\n".join(init)), encoding="utf-8")
    [pod] = find_workloads([str(tmp_path)]).workloads
    assert (pod.raw["runtime"]["vcpu"], pod.raw["runtime"]["memory_mb"]) == (vcpu, memory_mb)
    larger = [note for note in pod.assumptions if "init container migrate" in note]
    assert len(larger) == (1 if MIGRATE in init else 0)


LIST = """apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: inlist}
    spec:
      replicas: 3
      template:
        spec:
          containers: [{name: a, image: a, resources: {requests: {cpu: 1, memory: 1Gi}}}]
  - apiVersion: v1
    kind: Service
    metadata: {name: svc}
    spec: {selector: {app: x}, ports: [{port: 80}]}
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate}
    spec: {template: {spec: {containers: [{name: m, image: m}]}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: rollout}
spec:
  replicas: 5
  template:
    spec:
      containers: [{name: a, image: a, ports: [{containerPort: 8080, name: http}], resources: {requests: {cpu: 2}}}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: knative}
spec:
  template:
    spec:
      containers: [{image: k}]
"""


def test_list_items_and_rollouts_are_read_and_other_pod_templates_listed(tmp_path: Path) -> None:
    """`kubectl get … -o yaml` writes a List: its items are reviewed, each at its own line. A Rollout runs pods as a
    Deployment does; a Knative Service is not read, and the review says so."""
    (tmp_path / "k.yaml").write_text(LIST, encoding="utf-8")
    discovery = find_workloads([str(tmp_path / "k.yaml")])
    found = {workload.name: workload for workload in discovery.workloads}
    assert [(name, workload.line, workload.kind) for name, workload in found.items()] == [
        ("inlist", 4, "Deployment"),
        ("migrate", 16, "Job"),
        ("rollout", 21, "Rollout"),
    ]
    assert found["inlist"].raw["runtime"] == {"vcpu": 1.0, "memory_mb": 1024, "min_copies": 3}
    assert found["rollout"].raw["runtime"]["min_copies"] == 5
    assert found["rollout"].raw["runtime"]["vcpu"] == 2.0
    assert found["rollout"].raw["traffic"]["protocols"] == ["http"]
    [(file, reason)] = discovery.skipped
    assert file.endswith("k.yaml")
    assert reason.startswith("line 30: Service knative (serving.knative.dev/v1) runs pods from a template, but is not")


def test_a_flux_helm_release_is_listed_with_the_chart_to_render(tmp_path: Path) -> None:
    """A Flux HelmRelease installs a Helm chart whose objects are not in the files: listed as not reviewed, with the
    chart to render, rather than passed over in silence."""
    (tmp_path / "release.yaml").write_text(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo}\n"
        "spec: {chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}}}\n",
        encoding="utf-8",
    )
    discovery = find_workloads([str(tmp_path)])
    assert discovery.workloads == []
    [(file, reason)] = discovery.skipped
    assert file.endswith("release.yaml")
    assert reason.startswith("line 1: HelmRelease podinfo (helm.toolkit.fluxcd.io/v2) installs the Helm chart podinfo")
    assert "render it with `helm template`" in reason


def test_a_json_list_gives_each_item_its_line(tmp_path: Path) -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a"}]}}},
    }
    listed = {"apiVersion": "v1", "items": [deployment, {**deployment, "metadata": {"name": "api"}}], "kind": "List"}
    text = json.dumps(listed, indent=2)
    (tmp_path / "k.json").write_text(text, encoding="utf-8")
    found = find_workloads([str(tmp_path / "k.json")]).workloads
    lines = text.splitlines()
    assert [(workload.name, lines[workload.line - 1].strip()) for workload in found] == [("web", "{"), ("api", "{")]
    assert found[0].line < found[1].line


def test_an_autoscalers_minimum_is_the_copies_that_run(tmp_path: Path) -> None:
    """A HorizontalPodAutoscaler (in another file, as kustomizations keep them) manages the Deployment's replicas: its
    minReplicas are the copies that always run, and its bounds are said."""
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers: [{name: a, image: a}]\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers: [{name: a, image: a}]\n",
        encoding="utf-8",
    )
    (tmp_path / "hpa.yaml").write_text(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api, namespace: shop}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"
        "  minReplicas: 3\n  maxReplicas: 30\n",
        encoding="utf-8",
    )
    scaled, other = find_workloads([str(tmp_path)]).workloads
    assert scaled.raw["runtime"]["min_copies"] == 3
    assert any("keeps at least 3 and at most 30 copies running" in note for note in scaled.assumptions)
    assert other.raw["runtime"]["min_copies"] == 1  # another namespace's Deployment of the same name


JOB = """apiVersion: batch/v1
kind: Job
metadata: {{name: reindex}}
spec:
{spec}
  template:
    spec:
      containers: [{{name: r, image: r, resources: {{requests: {{cpu: "2", memory: 4Gi}}}}}}]
"""


@pytest.mark.parametrize(
    ("spec", "pods", "avg_duration_ms", "peak_rps"),
    [
        # 50 pods, 10 at a time, within the hour: 50 pod runs of at most 720 s each on average, 10 in flight
        ("  completions: 50\n  parallelism: 10\n  activeDeadlineSeconds: 3600", 50, 720_000.0, 10 / 720),
        ("  parallelism: 4\n  activeDeadlineSeconds: 600", 4, None, 4 / 600),  # a work queue: 4 pods, all at once
        ("  completions: 3", 3, None, None),  # one at a time, no deadline: no peak read
        ("  activeDeadlineSeconds: 600", 1, None, None),
    ],
)
def test_a_jobs_completions_and_parallelism_are_its_pods(
    tmp_path: Path, spec: str, pods: int, avg_duration_ms: float | None, peak_rps: float | None
) -> None:
    """A Job run is ``completions`` pods (a work queue's: ``parallelism``), ``parallelism`` of them at once, and
    ``activeDeadlineSeconds`` bounds the whole Job: each pod is priced, not one pod a run."""
    (tmp_path / "job.yaml").write_text(JOB.format(spec=spec), encoding="utf-8")
    [job] = find_workloads([str(tmp_path)]).workloads
    assert job.raw["traffic"]["requests_per_month"] == pods
    assert job.raw["runtime"].get("avg_duration_ms") == avg_duration_ms
    assert job.raw["traffic"].get("peak_rps") == (pytest.approx(peak_rps) if peak_rps else None)
    said = [note for note in job.assumptions if f"a run is {pods} pods" in note]
    assert len(said) == (0 if pods == 1 else 1)
    assert "traffic.requests_per_month" in job.guessed  # still a guess how often it is applied


def test_a_cronjobs_runs_count_each_pod(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '0 2 * * *'\n"
        "  jobTemplate:\n    spec:\n      completions: 5\n      parallelism: 5\n      activeDeadlineSeconds: 300\n"
        "      template: {spec: {containers: [{name: n, image: n}]}}\n",
        encoding="utf-8",
    )
    [cron] = find_workloads([str(tmp_path)]).workloads
    assert cron.raw["traffic"]["requests_per_month"] == pytest.approx(30.42 * 5, rel=0.01)
    assert cron.raw["traffic"]["peak_rps"] == pytest.approx(5 / 300)
    assert cron.raw["runtime"]["max_duration_s"] == 300.0
    assert not cron.guessed


@pytest.mark.parametrize(
    ("kind", "spec", "reason"),
    [
        ("CronJob", "  schedule: '@hourly'\n  suspend: true\n  jobTemplate:\n    spec:\n      template:", "suspended"),
        ("Job", "  suspend: true\n  template:", "suspended"),
        ("Job", "  parallelism: 0\n  template:", "parallelism 0"),
    ],
)
def test_a_job_that_runs_no_pod_is_skipped(tmp_path: Path, kind: str, spec: str, reason: str) -> None:
    """A suspended CronJob starts no Jobs (as a Job suspended or of parallelism 0 starts no pods): it costs nothing,
    so it is listed as skipped, not priced at its schedule."""
    indent = " " * (spec.rsplit("\n", 1)[-1].index("template") + 2)
    text = (
        f"apiVersion: batch/v1\nkind: {kind}\nmetadata: {{name: paused}}\nspec:\n{spec}\n"
        f"{indent}spec: {{containers: [{{name: p, image: p}}]}}\n"
    )
    (tmp_path / "job.yaml").write_text(text, encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    assert discovery.workloads == []
    [(file, why)] = discovery.skipped
    assert file.endswith("job.yaml")
    assert why.startswith(f"line 1: {kind} paused")
    assert reason in why


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: api}}
spec:
  template:
    spec:
{pod}
      containers: [{{name: a, image: a}}]
"""
AFFINITY = """      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{{key: {key}, operator: In, values: [{values}]}}]"""


@pytest.mark.parametrize(
    ("pod", "os", "architecture"),
    [
        ("      nodeSelector: {beta.kubernetes.io/os: windows, beta.kubernetes.io/arch: arm64}", "windows", "arm64"),
        ("      nodeSelector: {beta.kubernetes.io/os: windows, kubernetes.io/os: linux}", "linux", None),  # GA wins
        ("      nodeSelector: {kubernetes.io/os: linux}", "linux", None),
        (AFFINITY.format(key="kubernetes.io/os", values="linux"), "linux", None),
        (AFFINITY.format(key="kubernetes.io/os", values="windows"), "windows", None),
        (AFFINITY.format(key="beta.kubernetes.io/arch", values="amd64"), None, "x86_64"),
        (AFFINITY.format(key="kubernetes.io/arch", values="amd64, arm64"), None, None),  # either: not pinned
    ],
)
def test_deprecated_os_and_arch_labels_and_node_affinity_are_read(
    tmp_path: Path, pod: str, os: str | None, architecture: str | None
) -> None:
    """A Windows pod selected by the deprecated beta.kubernetes.io/os label (or by required node affinity) is reviewed
    as Windows, not as Linux (where Lambda would be a candidate)."""
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(pod=pod), encoding="utf-8")
    [api] = find_workloads([str(tmp_path)]).workloads
    runtime = api.raw.get("runtime", {})
    assert (runtime.get("os"), runtime.get("architecture")) == (os, architecture)


def test_a_host_path_volume_needs_a_host(tmp_path: Path) -> None:
    """A Deployment that mounts the node's Docker socket needs a node of its own: not Lambda's or Fargate's."""
    pod = "      volumes: [{name: sock, hostPath: {path: /var/run/docker.sock, type: Socket}}, {name: e, emptyDir: {}}]"
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(pod=pod), encoding="utf-8")
    [api] = find_workloads([str(tmp_path)]).workloads
    assert api.raw["control"]["host_daemons"] is True
    assert any("hostPath volume /var/run/docker.sock" in note for note in api.assumptions)


def test_an_autoscaler_scales_only_the_nearest_of_alternative_deployments(tmp_path: Path) -> None:
    """Three folders hold alternative deployments of one app (a Deployment of the same name and namespace each); an
    autoscaler in one variant's folder scales that variant only, not the base manifest beside the others. When two
    are as near, it scales none, and says so."""
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers: [{name: a, image: a}]\n"
    )
    hpa = (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 5\n"
    )
    for folder in ("base", "variants/one", "variants/two"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "web.yaml").write_text(deployment, encoding="utf-8")
    (tmp_path / "variants/one/scaling").mkdir()
    (tmp_path / "variants/one/scaling/hpa.yaml").write_text(hpa, encoding="utf-8")
    # as near variants/one as variants/two: neither is scaled by it
    (tmp_path / "variants/tied.yaml").write_text(hpa.replace("minReplicas: 5", "minReplicas: 7"), encoding="utf-8")
    copies = {
        Path(workload.file).parent.name: workload.raw["runtime"]["min_copies"]
        for workload in find_workloads([str(tmp_path)]).workloads
    }
    assert copies == {"base": 1, "one": 5, "two": 1}
    [web] = [
        workload for workload in find_workloads([str(tmp_path)]).workloads if Path(workload.file).parent.name == "one"
    ]
    assert any("applies to one of 3 Deployments named web" in note and "nearest" in note for note in web.assumptions)
    assert any("none is nearer it than the others: not applied to any" in note for note in web.assumptions)


def test_an_autoscaler_scales_the_deployment_in_its_own_file_before_one_in_a_sibling_file(tmp_path: Path) -> None:
    """Two install files of one folder, each a Deployment web and an autoscaler of it: each autoscaler scales the
    Deployment of its own file, as that file reviewed alone reads it."""
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers: [{{name: a, image: a}}]\n---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web}}\n"
        "spec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}\n  minReplicas: {least}\n"
    )
    for name, least in (("install.yaml", 2), ("ha-install.yaml", 4)):
        (tmp_path / name).write_text(text.format(least=least), encoding="utf-8")
    copies = {
        Path(item.file).name: item.raw["runtime"]["min_copies"] for item in find_workloads([str(tmp_path)]).workloads
    }
    assert copies == {"install.yaml": 2, "ha-install.yaml": 4}


def test_a_helm_release_named_by_a_placeholder_is_said_so_not_as_a_python_mapping(tmp_path: Path) -> None:
    """``metadata.name: {ENVIRONMENT_ID}`` is a YAML mapping until a template fills it (real-repositories audit 38,
    F6: listed as HelmRelease {'ENVIRONMENT_ID': None})."""
    (tmp_path / "tenant.yaml").write_text(
        "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: {ENVIRONMENT_ID}\n"
        "spec:\n  chart: {spec: {chart: helm-tenant-chart}}\n",
        encoding="utf-8",
    )
    [(_, reason)] = find_workloads([str(tmp_path)]).skipped
    assert "HelmRelease (metadata.name not a string: a template's placeholder?)" in reason
    assert "{" not in reason.split("installs")[0]
