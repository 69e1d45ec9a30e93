"""A response cache for GET requests (pure ASGI): the warehouse is read-only while the server
runs and every page and frame is a function of its URL alone, so a 200 answer is kept and
served again for the same path and query, least recently used dropped first."""

from __future__ import annotations

from collections import OrderedDict

MAX_ITEMS = 512
MAX_BODY = 2_000_000  # bytes: larger answers are not kept
SKIP = ("/healthz",)


class ResponseCache:
    """ASGI middleware: ``ResponseCache(app)``."""

    def __init__(self, app, max_items: int = MAX_ITEMS) -> None:
        self.app = app
        self.max_items = max_items
        self.store: OrderedDict[tuple[str, bytes], tuple[int, list, bytes]] = OrderedDict()

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET"
                or scope["path"].startswith(SKIP)):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        hit = self.store.get(key)
        if hit is not None:
            self.store.move_to_end(key)
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start.get("status") == 200 and len(body) <= MAX_BODY:
            self.store[key] = (200, list(start.get("headers", [])), body)
            while len(self.store) > self.max_items:
                self.store.popitem(last=False)
