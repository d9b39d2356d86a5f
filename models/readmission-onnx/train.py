"""Train the demo ONNX readmission model: a small PyTorch MLP on the synthetic cohort, exported to ONNX.

Run with the system interpreter (it has python3-torch and python3-onnx; the pyenv `python3` does not):
    /usr/bin/python3 models/readmission-onnx/train.py

Writes, next to this file: model.onnx, manifest.json (with the sha256 of model.onnx and the held-out
metrics), and test/fixtures/onnx/readmission-parity.json (20 held-out rows and PyTorch's outputs for them).
Deterministic: seeded initialisation and shuffling, one CPU thread, deterministic algorithms only, so
the same torch build writes the same bytes every time.
"""
import csv
import hashlib
import io
import json
import os
import random

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = 20261126
# Chosen by validation log-loss on rows 2721-3200 (trained on rows 1-2720) over hidden 8/16, epochs 20/60,
# weight decay 1e-3/1e-2 and learning rate 0.005/0.002; never on the held-out rows. Then refitted on rows 1-3200.
HIDDEN = 8
EPOCHS = 60
BATCH = 64
LR = 0.005
WEIGHT_DECAY = 1e-2
THRESHOLD = 0.3

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

# The inputs exactly as models/readmission-risk/cohort.ts FEATURES declares them (the pipeline checks rows against these).
INPUTS = [
    {"name": "age", "type": "number", "min": 18, "max": 110, "unit": "a", "description": "Age at discharge in years"},
    {"name": "sex", "type": "category", "categories": ["F", "M"], "description": "Administrative sex"},
    {"name": "systolic_bp", "type": "number", "min": 50, "max": 260, "unit": "mm[Hg]", "description": "Last systolic blood pressure"},
    {"name": "hba1c", "type": "number", "min": 3, "max": 20, "unit": "%", "description": "Last HbA1c"},
    {"name": "egfr", "type": "number", "min": 1, "max": 150, "unit": "mL/min/1.73m2", "description": "Last eGFR"},
    {"name": "prior_admissions", "type": "number", "min": 0, "max": 50, "description": "Admissions in the previous 12 months"},
    {"name": "length_of_stay", "type": "number", "min": 0, "max": 365, "unit": "d", "description": "Length of the index stay in days"},
    {"name": "on_anticoagulant", "type": "boolean", "description": "Discharged on an anticoagulant"},
]
# The input tensor's columns, in order: numbers and booleans as they are, categories one-hot.
# The manifest's `onnx.columns` lists the same, so the TypeScript plugin builds the same tensor.
COLUMNS = [
    col for f in INPUTS
    for col in ([{"feature": f["name"], "category": c} for c in f["categories"]] if f["type"] == "category" else [{"feature": f["name"]}])
]


def read_cohort():
    with open(os.path.join(ROOT, "models", "readmission-risk", "cohort.csv"), newline="") as fh:
        return list(csv.DictReader(fh))


def typed(raw):
    """A CSV row as the feature values the API receives (numbers, 'F'/'M', booleans)."""
    out = {}
    for f in INPUTS:
        v = raw[f["name"]]
        out[f["name"]] = v if f["type"] == "category" else (v == "true") if f["type"] == "boolean" else float(v) if "." in v else int(v)
    return out


def encode(features):
    return [float(features[c["feature"]] == c["category"]) if "category" in c else float(features[c["feature"]]) for c in COLUMNS]


class Readmission(torch.nn.Module):
    """Standardisation is part of the graph, so the ONNX input is the plain encoded row."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.mlp = torch.nn.Sequential(torch.nn.Linear(len(mean), HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 1))

    def forward(self, features):
        logit = self.mlp((features - self.mean) / self.std)
        return logit, torch.sigmoid(logit)


def metrics(y, p):
    """The metrics of plugins/monitoring/clinical-metrics.ts (classifierMetrics), in float64."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sp = p[order]
    i = 0
    while i < len(sp):
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    neg = len(y) - pos
    auroc = (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)
    # Average precision over distinct thresholds, highest first (scikit-learn's definition).
    desc = np.argsort(-p, kind="mergesort")
    tp = fp = 0
    ap = last = 0.0
    k = 0
    while k < len(desc):
        m = k
        while m < len(desc) and p[desc[m]] == p[desc[k]]:
            tp += y[desc[m]] == 1
            fp += y[desc[m]] != 1
            m += 1
        recall = tp / pos
        ap += (recall - last) * tp / (tp + fp)
        last = recall
        k = m
    q = np.clip(p, 1e-15, 1 - 1e-15)
    log_loss = -np.mean(np.where(y == 1, np.log(q), np.log(1 - q)))
    edges = np.array([i / 10 if i < 10 else 1.0 for i in range(11)])
    bins = np.searchsorted(edges[1:-1], p, side="left")
    ece = 0.0
    for b in range(10):
        sel = bins == b
        if sel.any():
            ece += sel.sum() / len(p) * abs(p[sel].mean() - y[sel].mean())
    return {"auroc": auroc, "auprc": ap, "brier": float(np.mean((p - y) ** 2)), "logLoss": float(log_loss), "ece": ece, "n": len(y)}


def main():
    cohort = read_cohort()
    train_rows, test_rows = cohort[:3200], cohort[3200:4000]
    x_train = torch.tensor([encode(typed(r)) for r in train_rows], dtype=torch.float32)
    y_train = torch.tensor([[float(r["readmitted_30d"])] for r in train_rows], dtype=torch.float32)
    x_test = torch.tensor([encode(typed(r)) for r in test_rows], dtype=torch.float32)
    y_test = [int(r["readmitted_30d"]) for r in test_rows]

    # Population standard deviation (ddof 0), as StandardScaler and plugins/model-linear use.
    mean = x_train.double().mean(0)
    std = x_train.double().std(0, unbiased=False)
    model = Readmission(mean.tolist(), std.tolist())
    optimiser = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    shuffle = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        for batch in torch.randperm(len(x_train), generator=shuffle).split(BATCH):
            optimiser.zero_grad()
            loss = loss_fn(model(x_train[batch])[0], y_train[batch])
            loss.backward()
            optimiser.step()
    model.eval()

    buffer = io.BytesIO()
    torch.onnx.export(
        model, (x_train[:1],), buffer, input_names=["features"], output_names=["logit", "probability"],
        dynamic_axes={"features": {0: "batch"}, "logit": {0: "batch"}, "probability": {0: "batch"}}, opset_version=13,
    )
    graph = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(graph, full_check=True)
    onnx_bytes = graph.SerializeToString()
    with open(os.path.join(HERE, "model.onnx"), "wb") as fh:
        fh.write(onnx_bytes)

    with torch.no_grad():
        test_logit, test_prob = model(x_test)
        train_prob = model(x_train)[1]
    held_out = metrics(y_test, test_prob[:, 0].double().numpy())
    train_metrics = metrics(y_train[:, 0].numpy(), train_prob[:, 0].double().numpy())

    # The reference patient of the explanations: numbers at their training mean, the most frequent category and boolean.
    train_features = [typed(r) for r in train_rows]
    baseline = {}
    for f in INPUTS:
        values = [t[f["name"]] for t in train_features]
        if f["type"] == "number":
            baseline[f["name"]] = round(float(np.mean(values)), 4)
        else:
            options = f.get("categories", [False, True])
            baseline[f["name"]] = max(options, key=lambda o: (sum(v == o for v in values), -options.index(o)))

    manifest = {
        "name": "readmission-onnx",
        "version": "1.0.0",
        "kind": "onnx",
        "description": "30-day readmission risk after discharge, PyTorch MLP exported to ONNX (demo; synthetic data only)",
        "inputs": INPUTS,
        "outputs": [{"name": "probability", "type": "probability"}],
        "threshold": THRESHOLD,
        "labels": ["low", "high"],
        "explanationMethod": "baseline Shapley values on the logit (exact over all feature coalitions)",
        "onnx": {
            "input": "features",
            "output": "logit",
            "outputIndex": 0,
            "link": "logit",
            "columns": COLUMNS,
            "baseline": baseline,
        },
        "training": {
            "framework": f"torch {torch.__version__}, onnx {onnx.__version__}, opset 13",
            "architecture": f"standardise (in graph) -> Linear({len(COLUMNS)}, {HIDDEN}) -> ReLU -> Linear({HIDDEN}, 1)",
            "rows": len(train_rows),
            "positives": int(y_train.sum().item()),
            # The same record models/holdout-split.ts writes for the TypeScript demo models.
            "split": {
                "method": "fixed-holdout",
                "heldOut": "cohort.csv rows 3201-4000",
                "trainRows": len(train_rows),
                "testRows": len(test_rows),
                "trainPositives": int(y_train.sum().item()),
                "testPositives": sum(y_test),
            },
            "seed": SEED,
            "epochs": EPOCHS,
            "batchSize": BATCH,
            "optimizer": "Adam",
            "learningRate": LR,
            "weightDecay": WEIGHT_DECAY,
            "trainAuroc": round(float(train_metrics["auroc"]), 6),
            "data": "models/readmission-risk/cohort.csv rows 1-3200 (synthetic, seed 20261126); held out: rows 3201-4000",
        },
        "metrics": {f"heldout_{k}": v if k == "n" else round(float(v), 6) for k, v in held_out.items()},
        # HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
        "sourceAttributes": json.load(open(os.path.join(HERE, "source-attributes.json"), encoding="utf-8")),
        "files": {"model.onnx": hashlib.sha256(onnx_bytes).hexdigest()},
    }
    with open(os.path.join(HERE, "manifest.json"), "w") as fh:
        fh.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    # Parity fixture: the first 20 held-out rows, PyTorch's float32 outputs written as exact decimals.
    fixture = {
        "model": "readmission-onnx@1.0.0",
        "source": "models/readmission-onnx/train.py (PyTorch eager, float32)",
        "rows": [typed(r) for r in test_rows[:20]],
        "logit": [float(v) for v in test_logit[:20, 0]],
        "probability": [float(v) for v in test_prob[:20, 0]],
    }
    os.makedirs(os.path.join(ROOT, "test", "fixtures", "onnx"), exist_ok=True)
    with open(os.path.join(ROOT, "test", "fixtures", "onnx", "readmission-parity.json"), "w") as fh:
        fh.write(json.dumps(fixture, indent=2) + "\n")
    print(json.dumps({"heldout": manifest["metrics"], "train_auroc": manifest["training"]["trainAuroc"], "bytes": len(onnx_bytes), "sha256": manifest["files"]["model.onnx"]}, indent=2))


if __name__ == "__main__":
    main()
