"""Front doors' lines on a bill: an HTTP or REST API's requests in front of a function or a container service, a
WebSocket API's messages and connection-minutes in front of a function run per message, and a load balancer's hours
and capacity units. Each body is metered at the average size, a share of ``traffic.payload_mb`` (the largest body:
``average_payload_fraction`` in rules/pricing/model.yaml), one assumption for every front door; a load balancer
processes at least the data out the workload states (``network.egress_gb_per_month``)."""

from __future__ import annotations

import math

from decider.cost.capacity import Ramp
from decider.cost.gaps import FLOOR_PRICE, NO_PRICE, gap
from decider.cost.line import Line, fixed, tier_lines
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import SECONDS_PER_MONTH, Workload


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


def load_balancer_lines(
    workload: Workload,
    book: PriceBook,
    model: CostModel,
    door: str | None,
    *,
    shared: bool = False,
    function_target: bool = False,
) -> list[Line]:
    """A load balancer's hours and capacity units; units from average new connections and bytes processed. A
    ``shared`` load balancer (an existing cluster's) bills its hours at $0 to this workload, its units in full. An
    Application Load Balancer with a Lambda function as its target (``function_target``) counts fewer bytes to a
    capacity unit than one in front of containers."""
    if door not in ("application-load-balancer", "network-load-balancer"):
        return []
    capacity = model.load_balancer_capacity_unit
    gb_per_request = workload.traffic.payload_mb * capacity.average_payload_fraction / 1024.0
    prices = book.load_balancers
    if door == "application-load-balancer":
        name, unit, hour_unit = "Application Load Balancer", "LCU-hour", "ALB-hour"
        hour_usd, unit_usd = (prices.alb_hour.usd, prices.alb_lcu_hour.usd) if prices is not None else (0.0, 0.0)
        # clients keep a connection alive for several requests (``alb_requests_per_new_connection``)
        per_connection = capacity.alb_new_connections_per_second * capacity.alb_requests_per_new_connection
        per_gb = capacity.alb_lambda_gb_per_hour if function_target else capacity.alb_gb_per_hour
        per_active = capacity.alb_active_connections_per_minute
    else:
        name, unit, hour_unit = "Network Load Balancer", "NLCU-hour", "NLB-hour"
        hour_usd, unit_usd = (prices.nlb_hour.usd, prices.nlb_lcu_hour.usd) if prices is not None else (0.0, 0.0)
        per_gb = capacity.nlb_gb_per_hour
        if "udp" in workload.protocols:
            # An NLCU holds half as many new UDP flows as new TCP connections, and half as many active ones; with TCP
            # beside UDP their shares are not known, and every request counts at UDP's figures (the larger bill).
            per_connection = capacity.nlb_new_udp_flows_per_second
            per_active = capacity.nlb_active_udp_flows_per_minute
        else:
            per_connection = capacity.nlb_new_connections_per_second
            per_active = capacity.nlb_active_connections_per_minute
    # Over a 730-hour month: units = max(R / seconds / per_connection (an ALB's: new connections a unit × requests a
    # connection; not for gRPC), R × GB / 730 h / per_gb,
    # requests in flight / per_active) × 730 hours; WebSocket
    # messages open no connection: units = max(connections held / per_active, R × GB / 730 h / per_gb) × 730 hours
    by_bytes = gb_per_request / per_gb
    # The data out the workload states leaves through the door: its bytes are processed at least
    egress = (workload.network.egress_gb_per_month or 0.0) / per_gb
    if "websocket" in workload.protocols:
        held = (workload.traffic.connections or 0.0) / per_active * 730
        units = Ramp(by_bytes, low=max(held, egress))
    else:
        # Requests held open (server-sent events, long polls, streams) are active connections while they run: the
        # average in flight, R × duration ÷ seconds in the month, per unit of active connections
        active = workload.avg_duration_s / SECONDS_PER_MONTH / per_active * 730
        # gRPC multiplexes its calls over long-lived HTTP/2 connections: a call opens no connection, and its units
        # come from bytes and calls in flight. HTTP beside it opens connections as HTTP does.
        multiplexed = "grpc" in workload.protocols and "http" not in workload.protocols
        opened = 0.0 if multiplexed else 730.0 / (SECONDS_PER_MONTH * per_connection)
        units = Ramp(max(opened, by_bytes, active), low=egress)
    # A book without load balancer prices (no source for the region) bills both lines at $0, said on the line: the
    # bill is low by them (decider/bill_checks.py warns), and still compares compute with the other targets' bills.
    # A book whose load balancer prices are another region's, as a floor (``floors:``), says so on the line too.
    unknown = f": {NO_PRICE}" if prices is None else f": {FLOOR_PRICE}" if "load_balancers" in book.floors else ""
    hours = (
        fixed(f"{name} hours (existing cluster's, shared: already paid)", hour_unit, 0.0, 730)
        if shared
        else fixed(f"{name} hours{unknown}", hour_unit, hour_usd, 730)
    )
    return [
        hours,
        Line(f"{name} capacity units{unknown}", unit, unit_usd, units),
    ]


#: A synchronous invocation returns at most 6 MB; a streamed response's first 6 MB are not charged
#: (https://aws.amazon.com/lambda/pricing/, "HTTP response streaming").
STREAMED_FREE_MB = 6.0
#: Front doors that can carry a Lambda response streamed (a function URL in RESPONSE_STREAM mode, a REST API with
#: response transfer mode STREAM, or none: the SDK's InvokeWithResponseStream). An HTTP API and a load balancer cannot.
STREAMING_DOORS = frozenset({"lambda-function-url", "api-gateway-rest-api", None})
#: The protocols of a client that waits for a response (a queue or stream consumer returns none).
CLIENT_PROTOCOLS = frozenset({"http", "grpc"})


def streaming_lines(workload: Workload, book: PriceBook, model: CostModel, door: str | None) -> list[Line]:
    """Lambda's charge for a streamed response's bytes past its first 6 MB, for a client's bodies larger than a
    synchronous invocation returns, at the average body (the front doors' one assumption); after the free tier's
    streamed GB when the free tier applies. None when the average body fits in 6 MB."""
    if door not in STREAMING_DOORS or not CLIENT_PROTOCOLS & set(workload.protocols):
        return []
    average_mb = workload.traffic.payload_mb * model.load_balancer_capacity_unit.average_payload_fraction
    if average_mb <= STREAMED_FREE_MB:
        return []
    price = book.lambda_.response_streaming
    if price is None:
        raise gap(book, "lambda.response_streaming", "Lambda response streaming price")
    allowance = book.lambda_.free_tier_response_streaming_gb
    free = workload.preferences.free_tier and allowance is not None
    free_gb = allowance.quantity if free and allowance is not None else 0.0
    item = f"Lambda response streaming past the first 6 MB (average body {average_mb:g} MB)"
    if free:
        item += f" after {free_gb:g} GB free"
    ramp = Ramp((average_mb - STREAMED_FREE_MB) / 1024.0, -free_gb)
    return [Line(item, price.unit, price.usd, ramp, free=free)]
