"""Real-issue benchmark for ``swebot localize`` (no model): SWE-bench issues at their base commits.

Development set: SWE-bench Verified instances not in SWE-bench Lite (407); tune and fit only on it.
Test set: SWE-bench Lite (300); run it once per change and quote only its figures.

    python3 bench/localize/real.py --prepare                 # build indexes and gold records (slow, once)
    python3 bench/localize/real.py                           # development set, weights of rank.py
    python3 bench/localize/real.py --sample 50 --fit         # half the dev set; fit weights on what ran
    python3 bench/localize/real.py --set test                # the test set
    python3 bench/localize/real.py --set test --only pytest-dev/pytest -v

Gold files are the files the gold patch changes; a file is found at k when every gold file is in the
top k (SWE-bench Lite patches change one file). Gold functions are the innermost functions, methods or
classes that enclose a changed line at the base commit; a function is found at k when one of them is in
the top k of the function ranking across the repository (instances whose patch changes only
module-level code count in the file tables, not in the function tables). MRR uses the best-ranked gold.
Plain BM25 (bm25s, English tokenizer, raw file text / raw function source) runs on the same trees.
Data and caches: see real_data.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import real_data as rd  # noqa: E402
from run import PRIOR_FILE, PRIOR_SYMBOL, fit_listwise  # noqa: E402

from swebot.localize import rank  # noqa: E402
from swebot.localize.issue_text import parse_issue  # noqa: E402

MISS = 10**9  # rank of a gold file that is not in the tree (deleted, or not Python)
FIT_FILES = 200  # rows per instance kept for fitting: the best-scored ones plus the gold ones
FIT_SYMBOLS = 400
FIT_L2 = 0.05  # pull towards the priors: the development set is small (tens of instances per repository)


@dataclass
class Result:
    inst: rd.Instance
    file: int  # rank at which every gold file is found
    file_best: int  # rank of the best gold file
    func: int | None  # rank of the best gold function; None when the patch touches none
    bm25_file: int
    bm25_file_best: int
    bm25_func: int | None
    seconds: float


def weight_vectors(file_w: dict, sym_w: dict) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([file_w.get(n, 0.0) for n in rank.FILE_FEATURES]),
            np.array([sym_w.get(n, 0.0) for n in rank.SYMBOL_FEATURES]))


def ranks_of(scores: np.ndarray, rows: list[int]) -> list[int]:
    r = rd.stable_ranks(scores)
    return [int(r[i]) for i in rows]


def gold_rows(repo: rank.RepoIndex, rec: dict) -> tuple[list[int | None], list[int]]:
    file_pos = {f.path: i for i, f in enumerate(repo.symbols.files)}
    sym_pos = {(s.path, s.name): i for i, s in enumerate(repo.lexical.symbol_list)}
    files = [file_pos.get(p) for p in rec["gold_files"]]
    syms = [sym_pos[(p, n)] for p, n in rec["gold_symbols"] if (p, n) in sym_pos]
    return files, syms


def current_gold(inst: rd.Instance, repo: rank.RepoIndex, rec: dict) -> tuple[dict, list[int]]:
    """The record with the gold functions real_data defines now, and the baseline's rank of each:
    records made by an older definition hold a superset of them."""
    changes = rd.patch_changes(inst.patch)
    now = {(p, n) for p in changes if p in repo.symbols.by_path
           for n in rd.gold_symbols(repo.symbols, p, changes[p])}
    bm_s = [r for (p, n), r in zip(rec["gold_symbols"], rec["bm25_symbol_ranks"]) if (p, n) in now]
    return {**rec, "gold_symbols": [[p, n] for p, n in rec["gold_symbols"] if (p, n) in now]}, bm_s


def top_rows(scores: np.ndarray, keep: int, gold: list[int]) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")[:keep]
    return np.array(sorted(set(order.tolist()) | set(gold)), dtype=int)


def evaluate_one(inst: rd.Instance, fw: np.ndarray, sw: np.ndarray, keep_fit: bool):
    """Ranks of one instance's gold under the given weights (None when its data was not built),
    and the rows kept for fitting."""
    loaded = rd.load(inst)
    if loaded is None:
        return None, None
    repo, rec = loaded
    t0 = time.perf_counter()
    feats = rank.compute_features(repo, parse_issue(inst.issue))
    loc = rank.rank_features(repo, feats, top=10)
    seconds = time.perf_counter() - t0
    assert loc.files
    fs = feats.file_x @ fw
    ss = rank.below_best_method(repo.symbols.files, repo.lexical.symbol_list, feats.sym_x @ sw)
    bm_f = [r if r is not None else MISS for r in rec["bm25_file_ranks"]]
    rec, bm_s = current_gold(inst, repo, rec)
    frows, srows = gold_rows(repo, rec)
    present = [i for i in frows if i is not None]
    franks = ranks_of(fs, present) + [MISS] * (len(frows) - len(present))
    sranks = ranks_of(ss, srows)
    res = Result(inst, max(franks), min(franks), min(sranks) if sranks else None,
                 max(bm_f), min(bm_f), min(bm_s) if bm_s else None, seconds)
    fit_rows = None
    if keep_fit and present:
        fr = top_rows(fs, FIT_FILES, present)
        sr = top_rows(ss, FIT_SYMBOLS, srows)
        fit_rows = (feats.file_x[fr], [int(np.nonzero(fr == i)[0][0]) for i in present],
                    feats.sym_x[sr], [int(np.nonzero(sr == i)[0][0]) for i in srows])
    return res, fit_rows


def _evaluate_star(args: tuple) -> tuple:
    return evaluate_one(*args)


def evaluate(insts: list[rd.Instance], fw: np.ndarray, sw: np.ndarray, *, keep_fit: bool, verbose: bool,
             jobs: int = 1):
    results: list[Result] = []
    fit_data: list[tuple] = []
    unavailable: list[str] = []
    work = [(inst, fw, sw, keep_fit) for inst in insts]
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(jobs)
        outcomes = pool.imap(_evaluate_star, work)
    else:
        pool = None
        outcomes = map(_evaluate_star, work)
    try:
        for inst, (res, fit_rows) in zip(insts, outcomes):
            if res is None:
                unavailable.append(inst.id)
                continue
            results.append(res)
            if fit_rows is not None:
                fit_data.append(fit_rows)
            if verbose:
                f = "miss" if res.file >= MISS else f"#{res.file}"
                print(f"{inst.id:<40} file {f:<6} func {res.func if res.func is not None else '-':<6} | "
                      f"bm25 file {res.bm25_file if res.bm25_file < MISS else 'miss':<6} func {res.bm25_func}",
                      flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return results, fit_data, unavailable


def _acc(ranks: list[int], k: int) -> float:
    return 100.0 * sum(r <= k for r in ranks) / max(len(ranks), 1)


def _mrr(ranks: list[int]) -> float:
    return sum(1.0 / r for r in ranks) / max(len(ranks), 1)


def row(label: str, rs: list[Result], bm25: bool = False) -> str:
    f = [r.bm25_file if bm25 else r.file for r in rs]
    fb = [r.bm25_file_best if bm25 else r.file_best for r in rs]
    fn = [x for x in ((r.bm25_func if bm25 else r.func) for r in rs) if x is not None]
    return (f"| {label} | {len(f)} | {_acc(f, 1):.1f} | {_acc(f, 5):.1f} | {_acc(f, 10):.1f} | {_mrr(fb):.3f} "
            f"| {len(fn)} | {_acc(fn, 1):.1f} | {_acc(fn, 5):.1f} | {_acc(fn, 10):.1f} | {_mrr(fn):.3f} |")


HEADER = ("| | n | file acc@1 | acc@5 | acc@10 | MRR | n fn | function acc@1 | acc@5 | acc@10 | MRR |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def tables(title: str, results: list[Result]) -> str:
    out = [f"\n{title}\n", HEADER, row("swebot localize", results), row("plain BM25", results, bm25=True)]
    out.append("\nper repository (swebot / plain BM25):\n")
    out.append(HEADER)
    for repo in sorted({r.inst.repo for r in results}):
        rs = [r for r in results if r.inst.repo == repo]
        out.append(row(f"{repo}", rs))
        out.append(row(f"{repo} (BM25)", rs, bm25=True))
    return "\n".join(out)


def fit(fit_data: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    prior_f = np.array([PRIOR_FILE.get(n, 0.0) for n in rank.FILE_FEATURES])
    prior_s = np.array([PRIOR_SYMBOL.get(n, 0.0) for n in rank.SYMBOL_FEATURES])
    fw = fit_listwise([(fx, fp) for fx, fp, _, _ in fit_data], prior_f, l2=FIT_L2, steps=600)
    sw = fit_listwise([(sx, sp) for _, _, sx, sp in fit_data if sp], prior_s, l2=FIT_L2, steps=600)
    return fw, sw


Rows = list[tuple[np.ndarray, list[int]]]  # per instance: feature rows, the gold rows among them
TUNE_STEPS = (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0)
TUNE_PASSES = 4


def file_objective(ranks: list[int]) -> float:
    """What the file weights are tuned for: acc@1 first (the issue's weakest target), then acc@5/10."""
    return _acc(ranks, 1) + 0.5 * _acc(ranks, 5) + 0.25 * _acc(ranks, 10)


def function_objective(ranks: list[int]) -> float:
    return _acc(ranks, 5) + 0.25 * (_acc(ranks, 1) + _acc(ranks, 10))


def gold_ranks(data: Rows, w: np.ndarray, *, all_gold: bool) -> list[int]:
    """Per instance, the rank at which every gold row (files) or the best gold row (functions) is."""
    return [(max if all_gold else min)(ranks_of(x @ w, pos)) for x, pos in data if pos]


def tune(data: Rows, w: np.ndarray, objective, *, all_gold: bool) -> np.ndarray:
    """Coordinate ascent on the measure itself, from the logistic fit: the listwise likelihood the fit
    maximizes is not acc@k (a weight can raise it while ranking fewer gold rows in the top 5). A
    step is kept only when it ranks at least one more instance better, and columns that are zero in
    every row keep their weight."""
    w = w.copy()
    best = objective(gold_ranks(data, w, all_gold=all_gold))
    unit = 100.0 / max(len(data), 1)  # one instance, in objective points
    live = [j for j in range(len(w)) if any(np.any(x[:, j]) for x, _ in data)]
    for _ in range(TUNE_PASSES):
        improved = False
        for j in live:
            for step in TUNE_STEPS:
                trial = w.copy()
                trial[j] += step
                got = objective(gold_ranks(data, trial, all_gold=all_gold))
                if got >= best + unit:
                    w, best, improved = trial, got, True
        if not improved:
            break
    return w


def tuned(fit_data: list[tuple], fw: np.ndarray, sw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (tune([(fx, fp) for fx, fp, _, _ in fit_data], fw, file_objective, all_gold=True),
            tune([(sx, sp) for _, _, sx, sp in fit_data], sw, function_objective, all_gold=False))


def fitted_summary(fit_data: list[tuple], fw: np.ndarray, sw: np.ndarray, label: str) -> str:
    """Acc@k within the rows kept for fitting (the top rows under rank.py's weights plus the gold):
    close to the real figure, and cheap enough to compare weights without reloading every index."""
    f = [max(ranks_of(fx @ fw, fp)) for fx, fp, _, _ in fit_data]
    s = [min(ranks_of(sx @ sw, sp)) for _, _, sx, sp in fit_data if sp]
    return (f"{label:<40} n={len(f)} file acc@1 {_acc(f, 1):.1f} acc@5 {_acc(f, 5):.1f} acc@10 {_acc(f, 10):.1f}"
            f" | n={len(s)} function acc@1 {_acc(s, 1):.1f} acc@5 {_acc(s, 5):.1f} acc@10 {_acc(s, 10):.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("dev", "test"), default="dev")
    ap.add_argument("--sample", type=int, default=100, help="percent of the dev set (a fixed subset)")
    ap.add_argument("--only", help="one repository (owner/name)")
    ap.add_argument("--prepare", action="store_true", help="build missing indexes and gold records first")
    ap.add_argument("--newest-first", action="store_true",
                    help="with --prepare: build the newest commits first (a second process, from the other end)")
    ap.add_argument("--fit", action="store_true", help="fit weights on the dev instances that ran")
    ap.add_argument("--tune", action="store_true",
                    help="with --fit: then tune the fitted weights for acc@k by coordinate ascent")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (each loads one index at a time)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.fit and args.set != "dev":
        ap.error("--fit only fits on the development set")
    insts = [i for i in rd.load_instances() if i.split == args.set
             and (args.set == "test" or rd.in_sample(i.id, args.sample))
             and (not args.only or i.repo == args.only)]
    if args.prepare:
        rd.prepare(insts, newest_first=args.newest_first)
    fw, sw = weight_vectors(rank.FILE_WEIGHTS, rank.SYMBOL_WEIGHTS)
    t0 = time.perf_counter()
    results, fit_data, unavailable = evaluate(insts, fw, sw, keep_fit=args.fit, verbose=args.verbose,
                                              jobs=args.jobs)
    name = {"dev": "development set (Verified minus Lite)", "test": "test set (SWE-bench Lite)"}[args.set]
    sample = f", {args.sample}% sample" if args.set == "dev" and args.sample < 100 else ""
    print(f"\n{name}{sample}: {len(results)} instances evaluated, {len(unavailable)} unavailable"
          + (f" ({', '.join(unavailable[:10])}{'...' if len(unavailable) > 10 else ''})" if unavailable else ""))
    nonpy = sum(1 for r in results if r.file >= MISS)
    print(f"{nonpy} instances have a gold file absent from the Python index (counted as misses)")
    print(tables(f"weights of swebot/localize/rank.py, {name}", results))
    q = np.array([r.seconds for r in results]) if results else np.zeros(1)
    print(f"\nquery time (index loaded): mean {q.mean()*1000:.0f} ms, max {q.max()*1000:.0f} ms; "
          f"whole run {time.perf_counter() - t0:.0f} s")
    if args.fit:
        import pickle

        # Kept so that another regularization can be tried without recomputing every feature.
        rd.DATA.mkdir(parents=True, exist_ok=True)
        (rd.DATA / "fit_data.pkl").write_bytes(pickle.dumps(fit_data))
        fw2, sw2 = fit(fit_data)
        print(fitted_summary(fit_data, fw, sw, "weights of rank.py"))
        print(fitted_summary(fit_data, fw2, sw2, "weights just fitted (training figures)"))
        if args.tune:
            # Held out first: tuned on alternate instances, scored on the others, against the fit.
            halves = fit_data[0::2], fit_data[1::2]
            for train, held in (halves, halves[::-1]):
                ftw, fsw = fit(train)
                print(fitted_summary(held, ftw, fsw, "  fit on one half, other half"))
                print(fitted_summary(held, *tuned(train, ftw, fsw), "  + tuned on it, other half"))
            fw2, sw2 = tuned(fit_data, fw2, sw2)
            print(fitted_summary(fit_data, fw2, sw2, "weights fitted and tuned (training figures)"))
        print("FILE_WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(rank.FILE_FEATURES, fw2)) + "}")
        print("SYMBOL_WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(rank.SYMBOL_FEATURES, sw2)) + "}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
