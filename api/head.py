"""HEAD on every GET route (RFC 9110 9.3.2): the GET's status and headers, Content-Length included, and no body.

A pure ASGI layer, so no route is written twice and the OpenAPI document gains no HEAD operation: a HEAD request is
routed as GET (a POST-only route still answers 405 with its ``Allow``), and the body the GET would send is dropped
here, not only by the server (uvicorn drops it too, but an app run in process, or under another server, must not
depend on that). The layer sees the scope the server gave as HEAD: it copies the scope for the app below and copies
back the route the router picked, for the access log and metrics.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: A scope key set on the GET scope of a HEAD request: the method the client sent, for messages (405).
SENT_METHOD = "decider.sent_method"


def sent_method(scope: Scope) -> str:
    """The method the client sent: HEAD for a HEAD answered as GET, else the scope's own."""
    method: str = scope.get(SENT_METHOD) or scope["method"]
    return method


class HeadAsGet:
    """Answers HEAD as GET without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        get_scope = {**scope, "method": "GET", SENT_METHOD: "HEAD"}

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # a streamed body's parts: none is sent, only its end
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await self.app(get_scope, receive, headers_only)
        finally:
            if "route" in get_scope:
                scope["route"] = get_scope["route"]
