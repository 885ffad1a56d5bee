"""Execute a notebook headless with a real kernel and fail loudly on any cell that did not run.

tslab reports a failing cell as a stderr stream plus reply status "error" (no error output),
and then aborts every request arriving within ~200 ms: a stock runner would record the failure
poorly and silently skip the following cells (status "aborted"). This runner executes cell by
cell and treats anything but status "ok" as a failure, quoting the cell's stderr.

usage: run_notebook.py NOTEBOOK OUTPUT [--kernel NAME] [--timeout SECONDS] [--cwd DIR]
Writes the executed notebook to OUTPUT (also on failure, for inspection); exit 1 on failure.
"""

import argparse
import sys

import nbformat
from nbclient import NotebookClient


class CellFailed(Exception):
    pass


class StrictClient(NotebookClient):
    async def _check_raise_for_error(self, cell, cell_index, exec_reply):
        status = exec_reply["content"]["status"] if exec_reply else "no reply"
        if status == "ok":
            return
        stderr = "".join(
            o.get("text", "")
            for o in cell.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
        detail = exec_reply["content"].get("evalue", "") if exec_reply else ""
        raise CellFailed(
            f"cell {cell_index} ended with status {status!r}"
            + (" (aborted: an earlier error made the kernel drop it)" if status == "aborted" else "")
            + f"\n--- source ---\n{cell.source}\n--- stderr ---\n{stderr or detail or '(none)'}"
        )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("output")
    ap.add_argument("--kernel", default=None)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--cwd", default=None)
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    kw = {"timeout": args.timeout, "allow_errors": False, "record_timing": True}
    if args.kernel:
        kw["kernel_name"] = args.kernel
    if args.cwd:
        kw["resources"] = {"metadata": {"path": args.cwd}}
    client = StrictClient(nb, **kw)
    ok = True
    try:
        client.execute()
    except CellFailed as err:
        print(f"NOTEBOOK FAILED: {err}", file=sys.stderr)
        ok = False
    finally:
        nbformat.write(nb, args.output)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    unexecuted = [i for i, c in enumerate(code_cells) if c.get("execution_count") is None]
    if ok and unexecuted:
        print(f"NOTEBOOK FAILED: code cells {unexecuted} were not executed", file=sys.stderr)
        ok = False
    if ok:
        print(f"executed {len(code_cells)} code cells of {args.notebook}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
