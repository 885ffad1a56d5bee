"""Validate Croissant JSON-LD files with MLCommons' reference validator (mlcroissant).

Usage: python validate_croissant.py FILE...

Prints one JSON line: {"mlcroissant": version, "results": [{"file", "errors", "warnings"}]}.
The errors are what makes `mlcroissant validate` fail; the warnings are everything else it logs
(a non-standard @context, recommended properties that are missing, ...), so a test can hold the
platform to both. Exit status 0 whenever every file was checked, whatever was found.
"""

import importlib.metadata
import json
import logging
import re
import sys

import mlcroissant as mlc

# The report mlcroissant builds (Issues.report): a header per kind, then one "  -  " line per issue.
_HEADER = re.compile(r"^Found the following \d+ (error|warning)\(s\) during the validation:$")


def _split_report(message: str) -> dict[str, list[str]]:
    """Issues of a report by kind; a message that is no report is one issue of `other`."""
    found: dict[str, list[str]] = {"error": [], "warning": [], "other": []}
    kind = None
    for line in message.splitlines():
        header = _HEADER.match(line.strip())
        if header:
            kind = header.group(1)
        elif kind and line.strip().startswith("-"):
            found[kind].append(line.strip()[1:].strip())
        elif kind and found[kind] and line.strip():
            found[kind][-1] += " " + line.strip()
    if kind is None and message.strip():
        found["other"].append(message.strip())
    return found


class _Collect(logging.Handler):
    """Keeps what mlcroissant logs (through absl) at WARNING and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def validate(path: str) -> dict[str, object]:
    collect = _Collect()
    absl_logger = logging.getLogger("absl")
    absl_logger.addHandler(collect)
    errors: list[str] = []
    warnings: list[str] = []
    try:
        mlc.Dataset(jsonld=path)
    except mlc.ValidationError as err:
        report = _split_report(str(err))
        errors += report["error"] + report["other"]
        warnings += report["warning"]
    except Exception as err:  # noqa: BLE001 - a crash of the validator is a finding too
        errors.append(f"{type(err).__name__}: {err}")
    finally:
        absl_logger.removeHandler(collect)
    for message in collect.messages:
        report = _split_report(message)
        warnings += report["warning"] + report["error"] + report["other"]
    return {"file": path, "errors": errors, "warnings": sorted(set(warnings))}


def main(paths: list[str]) -> None:
    # absl logs to stderr until absl.app initialises it; the results go to stdout as JSON only.
    logging.getLogger("absl").propagate = False
    results = [validate(p) for p in paths]
    print(json.dumps({"mlcroissant": importlib.metadata.version("mlcroissant"), "results": results}))


if __name__ == "__main__":
    main(sys.argv[1:])
