"""Read the discovery file a running platform writes (``<GENESIS_HOME>/run/platform.json``).

The file's shape is the ``Discovery`` zod schema in ``contract/src/discovery.ts``; this module
only reads it, checks the fields the Jupyter side relies on, and says plainly what is wrong.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DISCOVERY_FILE_NAME = "platform.json"


class DiscoveryError(ValueError):
    """The discovery file exists but cannot be used."""


@dataclass(frozen=True)
class Discovery:
    url: str
    token: str
    pid: int
    home: str
    version: str


def discovery_path(home: Path) -> Path:
    # `genesis serve --home H` keeps its runtime files in $GENESIS_RUNTIME_DIR when set, else H/run
    # (platform/src/home.ts, contract/src/paths.ts).
    runtime = os.environ.get("GENESIS_RUNTIME_DIR")
    return (Path(runtime) if runtime else home / "run") / DISCOVERY_FILE_NAME


def read_discovery(path: Path) -> Discovery | None:
    """The platform named by ``path``; None when there is no file (nothing running)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DiscoveryError(f"{path} is not JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(data, dict):
        raise DiscoveryError(f"{path} must hold a JSON object")
    url, token, pid = data.get("url"), data.get("token"), data.get("pid")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise DiscoveryError(f"{path}: `url` must be an http(s) URL")
    if not isinstance(token, str) or len(token) < 16:
        raise DiscoveryError(f"{path}: `token` must be a string of at least 16 characters")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        raise DiscoveryError(f"{path}: `pid` must be a positive integer")
    return Discovery(
        url=url.rstrip("/"),
        token=token,
        pid=pid,
        home=str(data.get("home", "")),
        version=str(data.get("version", "")),
    )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
