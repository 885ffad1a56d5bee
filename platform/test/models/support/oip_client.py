"""Call an OIP v2 server with a real OIP client (NVIDIA's tritonclient[http]) and print what it
saw as one JSON line, for the jest test that holds the platform's own /v2 routes to it.

usage: oip_client.py URL TOKEN MODEL ROWS_JSON
ROWS_JSON is a JSON list of [x0, x1] rows sent as input "x" (FP64 [rows, 2]).
"""

import json
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException


def main() -> None:
    url, token, model, rows = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    host = url.removeprefix("http://").rstrip("/")
    headers = {"Authorization": f"Bearer {token}"}
    client = httpclient.InferenceServerClient(host)
    out: dict = {
        "live": client.is_server_live(),
        "ready": client.is_server_ready(),
        "server": client.get_server_metadata(headers=headers),
        "model_ready": client.is_model_ready(model, headers=headers),
        "metadata": client.get_model_metadata(model, headers=headers),
    }
    x = np.asarray(rows, dtype=np.float64)
    inp = httpclient.InferInput("x", list(x.shape), "FP64")
    # JSON tensors (binary_data=False): what MLServer also needs; the platform speaks JSON only.
    inp.set_data_from_numpy(x, binary_data=False)
    output = out["metadata"]["outputs"][0]["name"]
    result = client.infer(
        model, [inp], outputs=[httpclient.InferRequestedOutput(output, binary_data=False)], headers=headers
    )
    out["predicted"] = result.as_numpy(output).reshape(-1).tolist()
    out["response"] = result.get_response()
    # A wrong datatype: the server must refuse it with a 400 that names the input and the datatype.
    bad = httpclient.InferInput("x", list(x.shape), "BYTES")
    bad.set_data_from_numpy(x.astype(str).astype(np.object_), binary_data=False)
    try:
        client.infer(model, [bad], headers=headers)
        out["bad"] = None
    except InferenceServerException as e:
        out["bad"] = {"status": e.status(), "message": e.message()}
    try:
        client.get_model_metadata("nope~nothing", headers=headers)
        out["unknown"] = None
    except InferenceServerException as e:
        out["unknown"] = {"status": e.status(), "message": e.message()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
