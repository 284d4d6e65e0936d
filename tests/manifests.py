"""Kubernetes manifests and Terraform the review's tests write into their folders."""

from __future__ import annotations


def deployment(name: str, *, cpu: str = "250m", memory: str = "512Mi", replicas: int = 2, port: int = 8080) -> str:
    """A Deployment of ``name`` (labelled ``app: <name>``) whose one container listens on ``port`` and asks for
    ``cpu`` and ``memory``."""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: main
          image: example/{name}:1
          ports: [{{containerPort: {port}}}]
          resources: {{requests: {{cpu: {cpu}, memory: {memory}}}}}
"""


#: A Terraform configuration defining one EKS cluster, aws_eks_cluster.orders, in us-east-1 (its resource at line 5).
def cronjob(name: str, schedule: str, *, cpu: str = "1", memory: str = "2Gi", deadline_s: int = 600) -> str:
    """A CronJob of ``name`` on ``schedule`` whose one container asks for ``cpu`` and ``memory``, each run stopped
    after ``deadline_s``."""
    return f"""apiVersion: batch/v1
kind: CronJob
metadata: {{name: {name}}}
spec:
  schedule: "{schedule}"
  jobTemplate:
    spec:
      activeDeadlineSeconds: {deadline_s}
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: {name}
              image: ghcr.io/example/{name}:1.0
              resources: {{requests: {{cpu: "{cpu}", memory: {memory}}}}}
"""


EKS_CLUSTER = """provider "aws" {
  region = "us-east-1"
}

resource "aws_eks_cluster" "orders" {
  name     = "orders"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}
"""
