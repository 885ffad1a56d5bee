"""Reference checks for the provenance exports (test-only packages of requirements-test.txt).

provenance_tools.py prov FILE          read PROV-JSON with W3C's `prov` library, print what it found
provenance_tools.py seed-cache DIR     put the RO-Crate 1.1 JSON-LD context into rocrate-validator's
                                       HTTP cache under DIR (its XDG_CACHE_HOME), so --offline runs
                                       every check instead of failing or skipping the context checks
"""

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

CONTEXT_URL = "https://w3id.org/ro/crate/1.1/context"


def read_prov(path: str) -> None:
    import prov
    from prov.model import ProvDocument

    with open(path, encoding="utf-8") as f:
        doc = ProvDocument.deserialize(source=f, format="json")
    records = doc.get_records()
    kinds = Counter(type(r).__name__ for r in records)
    relations = Counter(r.get_type().localpart for r in records if r.is_relation())
    print(
        json.dumps(
            {
                "prov": prov.__version__,
                "records": dict(kinds),
                "relations": dict(relations),
                "entities": sorted(str(r.identifier) for r in doc.get_records(prov.model.ProvEntity)),
                "activities": sorted(str(r.identifier) for r in doc.get_records(prov.model.ProvActivity)),
                "agents": sorted(str(r.identifier) for r in doc.get_records(prov.model.ProvAgent)),
                "provn": doc.get_provn(),
            }
        )
    )


def seed_cache(cache_home: str) -> None:
    import io

    import requests
    import requests_cache
    from requests.adapters import BaseAdapter
    from urllib3.response import HTTPResponse

    # rocrate 0.9.0 ships the 1.1 context; it is installed --no-deps and never imported.
    spec = importlib.util.find_spec("rocrate")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("rocrate (for its ro-crate.jsonld) is not installed: run scripts/setup --test")
    context = Path(spec.submodule_search_locations[0]) / "data" / "ro-crate.jsonld"
    body = context.read_bytes()
    if json.loads(body).get("@id") != CONTEXT_URL:
        raise SystemExit(f"{context} is not the RO-Crate 1.1 context")

    class LocalContext(BaseAdapter):
        def send(self, request, **kwargs):
            r = requests.Response()
            r.status_code = 200
            r._content = body
            # requests_cache stores the raw urllib3 response too.
            r.raw = HTTPResponse(
                body=io.BytesIO(body),
                headers={"Content-Type": "application/ld+json"},
                status=200,
                preload_content=False,
                request_url=request.url,
            )
            r.headers["Content-Type"] = "application/ld+json"
            r.url = request.url
            r.request = request
            r.encoding = "utf-8"
            return r

        def close(self):
            pass

    folder = Path(cache_home) / "rocrate-validator"
    folder.mkdir(parents=True, exist_ok=True)
    session = requests_cache.CachedSession(
        str(folder / "http_cache"),
        backend="sqlite",
        expire_after=-1,
        allowable_methods=("GET",),
        allowable_codes=(200, 302, 404),
    )
    session.mount("https://w3id.org/", LocalContext())
    r = session.get(CONTEXT_URL)
    r.raise_for_status()
    print(json.dumps({"cached": CONTEXT_URL, "bytes": len(body)}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("prov", "seed-cache"):
        raise SystemExit(__doc__)
    (read_prov if sys.argv[1] == "prov" else seed_cache)(sys.argv[2])
