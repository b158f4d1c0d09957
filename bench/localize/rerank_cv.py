"""A learned re-ranker over the linear ranking's top rows, measured by cross-validation on the
development set only (issue 13, session 8).

    python3 bench/localize/rerank_cv.py --dump -j 2     # the rows of all 407 development instances, once
    python3 bench/localize/rerank_cv.py --cv            # grouped 5-fold CV: linear vs LightGBM lambdarank

The dump keeps, per instance, the linear ranking's best FILES_KEPT files and SYMBOLS_KEPT symbols
(rerank_features.py), which gold rows are among them, and the linear rank of every gold row. The CV
re-ranks each held-out instance's kept rows with a model trained on the other folds (early stopping
on a fifth of the training instances); a gold row outside the kept rows keeps its linear rank.
Nothing here reads the test set. Needs ``pip install lightgbm`` (4.7.0 here; not a dependency of
swebot: the experiment found no gain to ship, bench/localize/README.md).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import real_data as rd  # noqa: E402
import rerank_features as rf  # noqa: E402
from real import MISS, _acc, current_gold, gold_rows, ranks_of  # noqa: E402

from swebot.localize import rank  # noqa: E402
from swebot.localize.issue_text import parse_issue  # noqa: E402

FILES_KEPT = 100
SYMBOLS_KEPT = 200
ROWS = rd.DATA / "rerank_rows.pkl"
SEED = 13
FOLDS = 5


@dataclass
class Rows:
    id: str
    repo: str
    fx: np.ndarray  # kept file rows' features, in linear order
    fy: np.ndarray  # 1 for a gold file
    f_lin: list[int]  # linear rank of each gold file (MISS when not in the index)
    sx: np.ndarray
    sy: np.ndarray
    s_lin: list[int]  # linear rank of each gold symbol


def dump_one(inst: rd.Instance) -> Rows | None:
    loaded = rd.load(inst)
    if loaded is None:
        return None
    repo, rec = loaded
    feats = rank.compute_features(repo, parse_issue(inst.issue))
    files, syms = repo.symbols.files, repo.lexical.symbol_list
    fs = feats.file_x @ rank._weights(rank.FILE_FEATURES, rank.FILE_WEIGHTS)
    ss = rank.below_best_method(files, syms, feats.sym_x @ rank._weights(rank.SYMBOL_FEATURES, rank.SYMBOL_WEIGHTS))
    rec, _ = current_gold(inst, repo, rec)
    frows, srows = gold_rows(repo, rec)
    present = [i for i in frows if i is not None]
    f_lin = ranks_of(fs, present) + [MISS] * (len(frows) - len(present))
    fk = rf.top_order(fs, FILES_KEPT)
    sk = rf.top_order(ss, SYMBOLS_KEPT)
    return Rows(inst.id, inst.repo, rf.file_rows(files, syms, feats.file_x, fs, ss, fk).astype(np.float32),
                np.isin(fk, present).astype(int), f_lin,
                rf.symbol_rows(files, syms, feats.sym_x, fs, ss, sk).astype(np.float32),
                np.isin(sk, srows).astype(int), ranks_of(ss, srows))


def dump(jobs: int) -> None:
    insts = [i for i in rd.load_instances() if i.split == "dev"]
    if jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            rows = pool.map(dump_one, insts, chunksize=4)
    else:
        rows = [dump_one(i) for i in insts]
    kept = [r for r in rows if r is not None]
    ROWS.write_bytes(pickle.dumps([vars(r) for r in kept]))  # plain dicts: loadable from any module
    print(f"{len(kept)} of {len(insts)} development instances dumped to {ROWS}")


def load_rows() -> list[Rows]:
    return [Rows(**r) for r in pickle.loads(ROWS.read_bytes())]


def reranked(lin: list[int], labels: np.ndarray, scores: np.ndarray | None, *, all_gold: bool) -> int | None:
    """Rank of the gold (every gold file, or the best gold symbol) after re-ranking the kept rows."""
    if not lin:
        return None
    if scores is None:
        return (max if all_gold else min)(lin)
    order = np.argsort(-scores, kind="stable")  # ties keep the linear order
    new = [int(np.nonzero(order == i)[0][0]) + 1 for i in np.nonzero(labels)[0]]
    outside = [r for r in lin if r > len(labels)]
    return (max if all_gold else min)(new + outside)


def measures(data: list[Rows], fscores: list | None, sscores: list | None) -> dict[str, float]:
    f = [reranked(r.f_lin, r.fy, None if fscores is None else fscores[k], all_gold=True) for k, r in enumerate(data)]
    s = [reranked(r.s_lin, r.sy, None if sscores is None else sscores[k], all_gold=False) for k, r in enumerate(data)]
    fr = [x for x in f if x is not None]
    sr = [x for x in s if x is not None]
    return {"f1": _acc(fr, 1), "f5": _acc(fr, 5), "f10": _acc(fr, 10),
            "s1": _acc(sr, 1), "s5": _acc(sr, 5), "s10": _acc(sr, 10)}


def train(xs: list[np.ndarray], ys: list[np.ndarray], lin_col: int, params: dict, seed: int):
    """LightGBM lambdarank on instances that have a gold row among their kept rows; a fifth of them
    held out for early stopping (NDCG@5). With ``init`` in the parameters the boosting starts from
    that multiple of the linear score, so that the trees learn corrections to the linear order."""
    import lightgbm as lgb

    p = {"objective": "lambdarank", "metric": "ndcg", "eval_at": [5, 1, 10], "verbosity": -1,
         "deterministic": True, "force_row_wise": True, "num_threads": 2, "seed": seed,
         "feature_fraction": 0.8, **params}
    rounds, init, patience = p.pop("rounds", 300), p.pop("init", 0.0), p.pop("patience", 50)
    keep = [k for k, y in enumerate(ys) if y.any()]
    rng = np.random.default_rng(seed)
    inner = set(rng.choice(keep, size=max(1, len(keep) // 5), replace=False).tolist())

    def dataset(ks: list[int], ref=None):
        x = np.vstack([xs[k] for k in ks])
        return lgb.Dataset(x, np.concatenate([ys[k] for k in ks]), group=[len(ys[k]) for k in ks],
                           init_score=init * x[:, lin_col], reference=ref, free_raw_data=False)

    tr = dataset([k for k in keep if k not in inner])
    va = dataset(sorted(inner), tr)
    stop: list[Callable[..., Any]] = [lgb.early_stopping(patience, first_metric_only=True, verbose=False)] if patience else []
    booster = lgb.train(p, tr, num_boost_round=rounds, valid_sets=[va], callbacks=stop)
    return lambda x: init * x[:, lin_col] + booster.predict(x, num_iteration=booster.best_iteration)


GRID = (
    {"num_leaves": 7, "min_data_in_leaf": 20, "learning_rate": 0.05},
    {"num_leaves": 15, "min_data_in_leaf": 50, "learning_rate": 0.05},
    {"num_leaves": 7, "min_data_in_leaf": 20, "learning_rate": 0.05, "init": 1.0},
    {"num_leaves": 15, "min_data_in_leaf": 50, "learning_rate": 0.05, "init": 1.0},
    {"num_leaves": 7, "min_data_in_leaf": 50, "learning_rate": 0.02, "init": 1.0},
    # Second round: early stopping kept the first tree or two (the inner fifth's NDCG@5 never rose
    # again), so a fixed number of small steps from the linear order, and a pointwise objective.
    {"num_leaves": 7, "min_data_in_leaf": 50, "learning_rate": 0.03, "init": 1.0, "lambda_l2": 10.0,
     "rounds": 150, "patience": 0},
    {"objective": "binary", "num_leaves": 7, "min_data_in_leaf": 50, "learning_rate": 0.03, "init": 1.0,
     "lambda_l2": 10.0, "rounds": 150, "patience": 0},
    # Third: only the top of the linear lists, where the misses at k <= 10 are to be won.
    {"num_leaves": 7, "min_data_in_leaf": 50, "learning_rate": 0.02, "init": 1.0, "files": 20, "symbols": 50},
    {"num_leaves": 7, "min_data_in_leaf": 20, "learning_rate": 0.05, "files": 20, "symbols": 50},
)


def folds(data: list[Rows], seed: int = SEED) -> list[list[int]]:
    order = np.random.default_rng(seed).permutation(len(data)).tolist()
    return [sorted(order[k::FOLDS]) for k in range(FOLDS)]


def cross_validate(data: list[Rows], params: dict, what: str, seed: int = SEED) -> list[tuple[dict, dict]]:
    """Per fold: the held-out instances' measures under the linear order and under the re-ranker."""
    params = dict(params)
    nf, ns = params.pop("files", FILES_KEPT), params.pop("symbols", SYMBOLS_KEPT)
    data = [Rows(r.id, r.repo, r.fx[:nf], r.fy[:nf], r.f_lin, r.sx[:ns], r.sy[:ns], r.s_lin) for r in data]
    out = []
    for k, held in enumerate(folds(data, seed)):
        hs = set(held)
        tr = [data[i] for i in range(len(data)) if i not in hs]
        te = [data[i] for i in held]
        fsc = ssc = None
        if what in ("files", "both"):
            m = train([r.fx for r in tr], [r.fy for r in tr], rf.FILE_NAMES.index("lin"), params, SEED + k)
            fsc = [m(r.fx) for r in te]
        if what in ("symbols", "both"):
            m = train([r.sx for r in tr], [r.sy for r in tr], rf.SYMBOL_NAMES.index("lin"), params, SEED + k)
            ssc = [m(r.sx) for r in te]
        out.append((measures(te, None, None), measures(te, fsc, ssc)))
    return out


KEYS = ("f1", "f5", "f10", "s1", "s5", "s10")


def report(label: str, res: list[tuple[dict, dict]]) -> None:
    print(f"\n{label}\n| fold | " + " | ".join(f"lin {k}" for k in KEYS) + " | " + " | ".join(f"gbm {k}" for k in KEYS) + " |")
    for k, (lin, gbm) in enumerate(res):
        print(f"| {k} | " + " | ".join(f"{lin[x]:.1f}" for x in KEYS) + " | " + " | ".join(f"{gbm[x]:.1f}" for x in KEYS) + " |")
    mean = {x: (np.mean([a[x] for a, _ in res]), np.mean([b[x] for _, b in res])) for x in KEYS}
    print("| mean | " + " | ".join(f"{mean[x][0]:.1f}" for x in KEYS) + " | " + " | ".join(f"{mean[x][1]:.1f}" for x in KEYS) + " |")
    worst = {x: min(b[x] - a[x] for a, b in res) for x in KEYS}
    print("gain of the mean: " + ", ".join(f"{x} {mean[x][1] - mean[x][0]:+.1f}" for x in KEYS)
          + "; worst fold: " + ", ".join(f"{x} {worst[x]:+.1f}" for x in KEYS), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--grid", default="0,1,2,3,4,5,6,7,8", help="indexes into GRID")
    ap.add_argument("--seed", type=int, default=SEED, help="another partition into folds (a check of the noise)")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    args = ap.parse_args()
    if args.dump:
        dump(args.jobs)
    if args.cv:
        data = load_rows()
        for g in (int(x) for x in args.grid.split(",")):
            report(f"GRID[{g}] = {GRID[g]}, folds seed {args.seed}", cross_validate(data, GRID[g], "both", args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
