"""Train the small model the OIP tests serve, seeded, and save it twice: as a joblib file for
MLServer (mlserver-sklearn) and as ONNX for the platform's onnx runtime, so both runtimes answer
for the very same fitted coefficients.

usage: train_oip_model.py OUT_DIR [SEED [ROWS_JSON]]
writes OUT_DIR/model.joblib, OUT_DIR/model.onnx (input "x" float64 [N, 2], output "variable" [N, 1])
and prints one JSON line with the coefficients and scikit-learn's own predictions for ROWS_JSON
(a JSON list of [x0, x1] rows), the reference both runtimes are held to.
"""

import json
import sys
from pathlib import Path

import joblib
import numpy as np
from sklearn.linear_model import Ridge


def main() -> None:
    out = Path(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    # A plane with noise: z = 1.5 x0 - 0.25 x1 + 3 (the test compares answers, not skill).
    x = rng.uniform(-10, 10, size=(500, 2))
    z = 1.5 * x[:, 0] - 0.25 * x[:, 1] + 3 + rng.normal(0, 0.1, size=500)
    model = Ridge(alpha=1e-3).fit(x, z)
    joblib.dump(model, out / "model.joblib")
    try:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import DoubleTensorType

        onx = convert_sklearn(model, initial_types=[("x", DoubleTensorType([None, 2]))], target_opset=13)
        (out / "model.onnx").write_bytes(onx.SerializeToString())
        onnx = True
    except ImportError:
        onnx = False
    rows = json.loads(sys.argv[3]) if len(sys.argv) > 3 else []
    predicted = model.predict(np.asarray(rows, dtype=np.float64)).tolist() if rows else []
    print(
        json.dumps(
            {"coef": model.coef_.tolist(), "intercept": float(model.intercept_), "onnx": onnx, "predicted": predicted}
        )
    )


if __name__ == "__main__":
    main()
