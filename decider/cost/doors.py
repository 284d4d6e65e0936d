"""API Gateway's lines on a bill: an HTTP or REST API's requests in front of a function or a container service, and a
WebSocket API's messages and connection-minutes in front of a function run per message. Each body is metered at
the average size, the share of ``traffic.payload_mb`` (the largest body) that a load balancer is billed for too
(``average_payload_fraction`` in rules/pricing/model.yaml): one assumption for every front door."""

from __future__ import annotations

import math

from decider.cost.line import Line, fixed, tier_lines
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import Workload


def gateway_lines(workload: Workload, book: PriceBook, model: CostModel, door: str | None) -> list[Line]:
    """API Gateway request charges: an HTTP API meters in 512 KB increments of the average body (the share of the
    largest, ``payload_mb``, that a load balancer is billed for too), a REST API per request."""
    gateway = book.api_gateway
    if gateway is None:
        return []
    if door == "api-gateway-http-api":
        increments = _increments(workload, model, 512)
        return tier_lines("API Gateway HTTP API requests", gateway.http_api, float(increments), 0.0)
    if door == "api-gateway-rest-api":
        return tier_lines("API Gateway REST API requests", gateway.rest_api, 1.0, 0.0)
    return []


def _increments(workload: Workload, model: CostModel, kb: int) -> int:
    """Metering increments of ``kb`` per request for the average body: one front-door assumption for all."""
    average_mb = workload.traffic.payload_mb * model.load_balancer_capacity_unit.average_payload_fraction
    return max(1, math.ceil(average_mb * 1024 / kb - 1e-9))


def websocket_lines(workload: Workload, book: PriceBook, model: CostModel) -> list[Line]:
    """An API Gateway WebSocket API holding the clients' connections for a function run per message: messages (in
    32 KB increments of the average body) and connection-minutes (the connections held open, all month)."""
    gateway = book.api_gateway
    if gateway is None or gateway.websocket_messages is None or gateway.websocket_connection_minutes is None:
        return []
    increments = _increments(workload, model, 32)
    lines = tier_lines("API Gateway WebSocket messages", gateway.websocket_messages, float(increments), 0.0)
    minutes = (workload.traffic.connections or 0.0) * 730 * 60
    price = gateway.websocket_connection_minutes
    lines.append(fixed("API Gateway WebSocket connection-minutes", price.unit, price.usd, minutes))
    return lines
