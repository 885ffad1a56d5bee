"""``<base_url>/genesis-lab/platform``: the platform's state as the Jupyter server sees it, and
the user's start/stop actions (the panels show ``message`` and ``hint`` when it is down)."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from tornado import web

from .supervisor import PlatformSupervisor, PlatformUnavailable

ACTIONS = ("start", "stop", "restart")


class PlatformStatusHandler(APIHandler):
    def initialize(self, supervisor: PlatformSupervisor) -> None:
        self.supervisor = supervisor

    @web.authenticated
    def get(self) -> None:
        self.finish(json.dumps(self.supervisor.status()))

    @web.authenticated
    async def post(self) -> None:
        """Body ``{"action": "start" | "stop" | "restart"}``; answers the new status."""
        try:
            body = json.loads(self.request.body or b"{}")
        except json.JSONDecodeError as err:
            raise web.HTTPError(400, f"body is not JSON: {err.msg}") from None
        action = body.get("action") if isinstance(body, dict) else None
        if action not in ACTIONS:
            raise web.HTTPError(400, f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
        try:
            if action in ("stop", "restart"):
                await self.supervisor.stop_platform()
            if action in ("start", "restart"):
                await self.supervisor.start_platform()
        except PlatformUnavailable as problem:
            self.set_status(409 if action == "stop" else 503)
            self.finish(json.dumps({**self.supervisor.status(), "message": problem.message, "hint": problem.hint}))
            return
        self.finish(json.dumps(self.supervisor.status()))
