"""``<base_url>/genesis/…``: the platform's HTTP API and socket.io, through the Jupyter server.

Built on jupyter-server-proxy's ``ProxyHandler`` (HTTP and websockets, Jupyter authentication).
Unlike a ``jupyter_serverproxy_servers`` entry, whose port is fixed when the server loads, the
target is resolved per request from the supervisor, so the proxy follows a platform that was
adopted, restarted or replaced. The browser never sees the platform token: it is added here.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server_proxy.handlers import ProxyHandler
from tornado import web
from tornado.iostream import StreamClosedError

from .supervisor import PlatformSupervisor, PlatformUnavailable, Target

# Headers of the Jupyter session that the platform must not receive (a remote platform even less).
_DROPPED_HEADERS = ("Cookie", "X-XSRFToken", "X-CSRFToken", "Host")
_DROPPED_QUERY = ("token", "_xsrf")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _allow_current_target(handler: PlatformProxyHandler, host: str) -> bool:
    return handler.target is not None and host == handler.target.host


class PlatformProxyHandler(ProxyHandler):
    """Forwards ``/genesis/<path>`` to ``<platform url>/<path>`` with the platform's token."""

    def initialize(self, supervisor: PlatformSupervisor) -> None:
        self.supervisor = supervisor
        self.target: Target | None = None
        self.proxy_base = "genesis"  # X-Forwarded-Prefix: <base_url>/genesis

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        await super().prepare(*args, **kwargs)  # Jupyter authentication
        if self._finished:
            return
        # jupyter-server-proxy defers XSRF checks to the proxied app; the platform authenticates
        # by the token we add, so the Jupyter XSRF check must happen here.
        if self.request.method not in _SAFE_METHODS:
            JupyterHandler.check_xsrf_cookie(self)
        try:
            self.target = await self.supervisor.current()
        except PlatformUnavailable as problem:
            self._write_unavailable(problem)

    def check_xsrf_cookie(self) -> None:
        """Checked in prepare (after authentication), not by tornado before it."""

    # HTTP methods: tornado passes the path captured after /genesis/.
    async def http_get(self, path: str) -> None:
        await self._forward(path)

    async def post(self, path: str) -> None:
        await self._forward(path)

    async def put(self, path: str) -> None:
        await self._forward(path)

    async def patch(self, path: str) -> None:
        await self._forward(path)

    async def delete(self, path: str) -> None:
        await self._forward(path)

    async def head(self, path: str) -> None:
        await self._forward(path)

    async def options(self, path: str) -> None:
        await self._forward(path)

    async def open(self, path: str) -> None:
        target = self.target
        assert target is not None
        try:
            await self.proxy_open(target.host, target.port, "/" + path)
        except (OSError, StreamClosedError, web.HTTPError) as err:
            self.supervisor.note_unreachable(target)
            self.log.warning("Genesis proxy: websocket to %s failed: %s", target.url, err)
            self.close(1011, "The Genesis platform is unreachable")

    async def _forward(self, path: str) -> None:
        target = self.target
        assert target is not None
        try:
            await self.proxy(target.host, target.port, "/" + path)
        except web.HTTPError as err:
            if err.status_code != 599:  # 599: no connection
                raise
            self._lost(target, err.log_message or str(err))
        except (OSError, StreamClosedError) as err:
            self._lost(target, str(err) or type(err).__name__)

    def _lost(self, target: Target, reason: str) -> None:
        self.supervisor.note_unreachable(target)
        self._write_unavailable(
            PlatformUnavailable(
                f"The Genesis platform at {target.url} did not answer ({reason})",
                "It may have stopped; Jupyter restarts a platform it manages, retry in a moment",
            )
        )

    def _write_unavailable(self, problem: PlatformUnavailable) -> None:
        # The platform's own error shape (contract ErrorBody), so clients need one parser.
        body = {"error": {"code": "unavailable", "status": 503, "message": problem.message}}
        if problem.hint:
            body["error"]["hint"] = problem.hint
        self.set_status(503)
        self.set_header("Content-Type", "application/json")
        self.set_header("X-Genesis-Proxy", "platform-unavailable")
        self.finish(json.dumps(body))

    # --- jupyter-server-proxy hooks -------------------------------------------------------

    def get_request_headers_override(self) -> dict[str, str]:
        assert self.target is not None
        return {"Authorization": f"Bearer {self.target.token}"}

    def proxy_request_headers(self) -> Any:
        headers = super().proxy_request_headers()
        for name in _DROPPED_HEADERS:
            if name in headers:
                del headers[name]
        return headers

    def get_client_uri(self, protocol: str, host: str, port: int, proxied_path: str) -> str:
        target = self.target
        assert target is not None
        uri: str = super().get_client_uri(protocol, host, port, target.base_path + proxied_path)
        # The Jupyter token may come as a query parameter (socket.io handshakes): not for the platform.
        base, sep, query = uri.partition("?")
        if sep:
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _DROPPED_QUERY]
            uri = base + ("?" + urlencode(kept) if kept else "")
        if target.secure:
            uri = ("https" if protocol == "http" else "wss") + uri[len(protocol) :]
        return uri


def proxy_handler_kwargs(supervisor: PlatformSupervisor) -> dict[str, Any]:
    return {"supervisor": supervisor, "host_allowlist": _allow_current_target}
