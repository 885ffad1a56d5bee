"""JupyterLab for the UI tests (started by ui-tests/harness/lab.js, never by hand).

Galata's test configuration (no token, no XSRF check, its helper extension `window.galata`, the
app exposed as `window.jupyterapp`), on the port and notebook root the harness chose, with every
call to the outside world switched off: the machines have no network but npm, PyPI and Debian.
"""

import os
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

# Galata makes temp dirs and files on every start (a workspaces dir, a terminal rc file, a root it
# does not use when JUPYTERLAB_GALATA_ROOT_DIR is set): in this run's Jupyter data dir, which the
# harness removes with the run, instead of the system's temp dir.
data_dir = Path(os.environ["JUPYTER_DATA_DIR"])
data_dir.mkdir(parents=True, exist_ok=True)
system_tempdir, tempfile.tempdir = tempfile.tempdir, str(data_dir)
try:
    configure_jupyter_server(c)  # noqa: F821 (`c` is the config object Jupyter provides)
finally:
    tempfile.tempdir = system_tempdir

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ["GENESIS_UI_PORT"])  # noqa: F821
c.ServerApp.root_dir = os.environ["JUPYTERLAB_GALATA_ROOT_DIR"]  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
