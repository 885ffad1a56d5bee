"""The Jupyter server extension: keeps the platform running and reachable under ``/genesis/``.

Settings (``c.GenesisLab.<name>`` in a Jupyter config file, or the environment variable named):

- ``home`` (``GENESIS_HOME``, default ``~/.genesis``): the platform home whose platform we use.
- ``platform_url`` / ``platform_token`` (``GENESIS_URL`` / ``GENESIS_TOKEN``): use a remote
  platform instead of a local one; kernels inherit the same variables.
- ``manage_platform`` (``GENESIS_LAB_MANAGE_PLATFORM``, default on): start, adopt and restart the
  local platform. Off: only use the platform the discovery file names (started elsewhere).
- ``autostart`` (``GENESIS_LAB_AUTOSTART``, default on): off keeps a managed platform stopped until
  a user starts it (POST /genesis-lab/platform {"action": "start"}).
- ``platform_command`` (``GENESIS_PLATFORM_BIN``): the ``genesis`` executable.
- ``platform_args``: extra ``genesis serve`` arguments; ``startup_timeout`` in seconds.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from jupyter_server_proxy.handlers import AddSlashHandler
from traitlets import Bool, Float, List, Unicode, default

from .handlers import PlatformStatusHandler
from .proxy import PlatformProxyHandler, proxy_handler_kwargs
from .supervisor import EXTERNAL, MANAGED, REMOTE, PlatformSupervisor


def _env_flag(name: str, fallback: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return fallback
    return value not in ("0", "false", "no", "off")


class GenesisLab(ExtensionApp):
    name = "genesis_lab"
    description = "Genesis Lab: runs the platform next to Jupyter and proxies it under /genesis/"
    load_other_extensions = True

    home = Unicode(help="GENESIS_HOME of the platform to use (default $GENESIS_HOME or ~/.genesis)").tag(config=True)
    platform_url = Unicode(help="URL of a remote platform (default $GENESIS_URL); empty: local").tag(config=True)
    platform_token = Unicode(help="Token of the remote platform (default $GENESIS_TOKEN)").tag(config=True)
    manage_platform = Bool(help="Start, adopt and restart the local platform").tag(config=True)
    autostart = Bool(help="Start the managed platform with the server").tag(config=True)
    platform_command = List(Unicode(), help="The genesis executable (default $GENESIS_PLATFORM_BIN)").tag(config=True)
    platform_args = List(Unicode(), help="Extra `genesis serve` arguments").tag(config=True)
    startup_timeout = Float(30.0, help="Seconds the platform may take to answer").tag(config=True)

    @default("home")
    def _default_home(self) -> str:
        return os.environ.get("GENESIS_HOME") or str(Path.home() / ".genesis")

    @default("platform_url")
    def _default_platform_url(self) -> str:
        return os.environ.get("GENESIS_URL", "")

    @default("platform_token")
    def _default_platform_token(self) -> str:
        return os.environ.get("GENESIS_TOKEN", "")

    @default("manage_platform")
    def _default_manage_platform(self) -> bool:
        return _env_flag("GENESIS_LAB_MANAGE_PLATFORM", True)

    @default("autostart")
    def _default_autostart(self) -> bool:
        return _env_flag("GENESIS_LAB_AUTOSTART", True)

    @default("platform_command")
    def _default_platform_command(self) -> list[str]:
        command, _ = locate_platform_command()
        return command or []

    def initialize_settings(self) -> None:
        home = Path(self.home).expanduser().resolve()
        mode = REMOTE if self.platform_url else MANAGED if self.manage_platform else EXTERNAL
        if mode == REMOTE:
            # Kernels inherit the server's environment: they reach the same remote platform.
            os.environ["GENESIS_URL"] = self.platform_url
            os.environ["GENESIS_TOKEN"] = self.platform_token
        else:
            # Kernels read <home>/run/platform.json: make sure they look in the same home.
            os.environ["GENESIS_HOME"] = str(home)
        _, problem = locate_platform_command() if not self.platform_command else ([], "")
        self.supervisor = PlatformSupervisor(
            home=home,
            mode=mode,
            command=list(self.platform_command) or None,
            command_problem=problem,
            args=list(self.platform_args),
            remote_url=self.platform_url,
            remote_token=self.platform_token,
            token=os.environ.get("GENESIS_TOKEN", "") if mode != REMOTE else "",
            startup_timeout=self.startup_timeout,
            autostart=self.autostart,
            log=self.log,
        )
        self.settings["genesis_platform"] = self.supervisor
        self.log.info("Genesis Lab: platform mode %s, home %s", mode, home)

    def initialize_handlers(self) -> None:
        self.handlers.extend(
            [
                (r"/genesis/(.*)", PlatformProxyHandler, proxy_handler_kwargs(self.supervisor)),
                (r"/genesis", AddSlashHandler),
                (r"/genesis-lab/platform", PlatformStatusHandler, {"supervisor": self.supervisor}),
            ]
        )

    async def _start_jupyter_server_extension(self, serverapp: object) -> None:
        await self.supervisor.start()

    async def stop_extension(self) -> None:
        await self.supervisor.shutdown()


def locate_platform_command() -> tuple[list[str] | None, str]:
    """The `genesis` executable: $GENESIS_PLATFORM_BIN, this environment's bin/, then PATH."""
    configured = os.environ.get("GENESIS_PLATFORM_BIN", "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            return None, f"GENESIS_PLATFORM_BIN={configured} is not a file"
        if path.suffix in (".js", ".cjs", ".mjs"):
            return [shutil.which("node") or "node", str(path)], ""
        return [str(path)], ""
    candidates = [Path(sys.prefix) / "bin" / "genesis", shutil.which("genesis")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return [str(candidate)], ""
    return None, "The Genesis platform executable `genesis` was not found"
