"""Request examples shown in the OpenAPI document (the content of examples/checkout-api.yaml, checked by a test)."""

from __future__ import annotations

from typing import Any

CHECKOUT_API: dict[str, Any] = {
    "name": "checkout-api",
    "runtime": {
        "max_duration_s": 2,
        "avg_duration_ms": 120,
        "memory_mb": 1024,
        "vcpu": 0.5,
        "artifact_mb": 150,
        "architecture": "any",
        "startup_s": 1,
    },
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 3000000,
        "peak_rps": 50,
        "payload_mb": 0.5,
        "protocols": ["http"],
        "latency_slo_ms": 300,
    },
    "team": {"kubernetes_experience": "none", "ops_capacity": "medium", "current_platform": "lambda"},
    "preferences": {"optimize_for": "balanced", "region": "us-east-1"},
}

NIGHTLY_JOB: dict[str, Any] = {
    "name": "nightly-report",
    "runtime": {"max_duration_s": 3600, "memory_mb": 4096, "vcpu": 2},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30},
}
