"""Genesis Lab for JupyterLab: the prebuilt labextension, and a Jupyter server extension that
keeps the Genesis platform running next to the server and reachable under ``/genesis/``."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built
    __version__ = "0.0.0+unknown"

from .app import GenesisLab


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "genesis-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "genesis_lab", "app": GenesisLab}]


__all__ = ["GenesisLab", "__version__"]
