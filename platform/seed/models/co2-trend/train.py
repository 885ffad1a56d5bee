"""Train the example model climate/co2-trend: the Keeling curve's trend and seasonal cycle.

Input: the Mauna Loa monthly CO2 record as CSV (columns date, co2, ...), e.g. the catalog
dataset noaa/mauna-loa-co2 exported by the platform. Output: model.onnx and metrics.json.

Model: co2 ~ quadratic trend in decimal years + one offset per calendar month (the seasonal
cycle), a least-squares fit (scikit-learn LinearRegression over a ColumnTransformer), exported
to ONNX with skl2onnx as float64. Trained on 1958-2009, evaluated on the held-out 2010-2020
months (an extrapolation: that is how the model is used). Deterministic: no randomness is
involved, and the seed is fixed anyway so any future stochastic step stays reproducible.

Usage: python train.py DATA.csv OUT_DIR
"""

import csv
import json
import random
import sys
from pathlib import Path

import numpy as np
import onnx
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, PolynomialFeatures, StandardScaler

SEED = 20260301
SPLIT_YEAR = 2010.0


def read(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years, months, co2 = [], [], []
    with open(path, newline="") as f:
        for raw in csv.DictReader(f):
            # The catalog's export names columns date, co2; the source CSV Date, CO2.
            row = {k.lower(): v for k, v in raw.items()}
            if not row.get("co2"):
                continue
            y, m, _ = (int(x) for x in row["date"][:10].split("-"))
            # Mid-month, as the record's values are (the 15th): decimal year of the month's middle.
            years.append(y + (m - 0.5) / 12.0)
            months.append(m)
            co2.append(float(row["co2"]))
    return np.array(years), np.array(months, dtype=np.int64), np.array(co2)


def main() -> None:
    data, out = sys.argv[1], Path(sys.argv[2])
    random.seed(SEED)
    np.random.seed(SEED)
    year, month, co2 = read(data)
    x = np.column_stack([year, month.astype(np.float64)])
    train = year < SPLIT_YEAR
    test = ~train

    features = ColumnTransformer(
        [
            (
                "trend",
                Pipeline([("scale", StandardScaler()), ("poly", PolynomialFeatures(2, include_bias=False))]),
                [0],
            ),
            ("season", OneHotEncoder(categories=[[float(m) for m in range(1, 13)]], drop="first"), [1]),
        ]
    )
    model = Pipeline([("features", features), ("fit", LinearRegression())])
    model.fit(x[train], co2[train])

    def rmse(mask: np.ndarray) -> float:
        return float(np.sqrt(np.mean((model.predict(x[mask]) - co2[mask]) ** 2)))

    def mae(mask: np.ndarray) -> float:
        return float(np.mean(np.abs(model.predict(x[mask]) - co2[mask])))

    onx = convert_sklearn(
        model,
        initial_types=[("x", DoubleTensorType([None, 2]))],
        target_opset={"": 17, "ai.onnx.ml": 3},
    )
    # Reproducible bytes: no producer timestamps or random names depend on the run.
    onx.graph.name = "co2_trend"  # skl2onnx names the graph with a random uuid
    onx.producer_name = "skl2onnx"
    onx.producer_version = skl2onnx.__version__
    onx.doc_string = "climate/co2-trend: Mauna Loa CO2 trend + seasonal cycle (platform/seed/models/co2-trend/train.py)"
    out.mkdir(parents=True, exist_ok=True)
    onnx.save_model(onx, out / "model.onnx")
    metrics = {
        "train_months": int(train.sum()),
        "test_months": int(test.sum()),
        "train_rmse_ppm": round(rmse(train), 4),
        "test_rmse_ppm": round(rmse(test), 4),
        "test_mae_ppm": round(mae(test), 4),
        "test_first": float(year[test].min()),
        "test_last": float(year[test].max()),
        "framework": f"scikit-learn {sklearn.__version__}, skl2onnx {skl2onnx.__version__}",
        "seed": SEED,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
