"""JupyterLab for the UI tests (started by ui-tests/harness/lab.js, never by hand).

Galata's test configuration (no token, no XSRF check, its helper extension `window.galata`, the
app exposed as `window.jupyterapp`), on the port and notebook root the harness chose, with every
call to the outside world switched off: the machines have no network but npm, PyPI and Debian.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (`c` is the config object Jupyter provides)

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ["GENESIS_UI_PORT"])  # noqa: F821
c.ServerApp.root_dir = os.environ["JUPYTERLAB_GALATA_ROOT_DIR"]  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
