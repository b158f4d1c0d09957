"""Benchmark for ``swebot localize``: injected bugs in real PyPI libraries, issues written as users would.

For every case of cases.toml: copy the library's unpacked sdist, inject the bug, produce the traceback (if the
case has a snippet) by running the snippet against the buggy copy, localize, and record where the buggy file
and function rank. Prints file- and function-level acc@1/acc@5 and time per query for swebot and for a plain
BM25 baseline, on all cases and on the held-out half (weights are only ever fitted on the other half).

    python3 bench/localize/run.py                # evaluate the weights in swebot/localize/rank.py
    python3 bench/localize/run.py --fit          # also fit weights on the training half and print them
    python3 bench/localize/run.py --only click   # one library

Sdists are downloaded with ``pip download --no-binary :all:`` into the cache dir
(``$SWEBOT_BENCH_CACHE`` or ~/.cache/swebot/bench).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from swebot.localize import rank  # noqa: E402
from swebot.localize.index_cache import RepoIndex  # noqa: E402
from swebot.localize.issue_text import parse_issue  # noqa: E402
from swebot.localize.retrieval import LexicalIndex  # noqa: E402
from swebot.localize.symbols import build_index  # noqa: E402

HERE = Path(__file__).resolve().parent

# Starting points for fitting: what each signal should weigh before any case is seen (a frame or
# a quoted name outweighs lexical similarity; tests/docs are penalized). Fitting moves away from
# these only as far as the training cases justify.
PRIOR_FILE = {
    "f_bm25": 2.0, "f_bm25_rr": 2.0, "f_frame": 4.0, "f_path": 4.0, "f_stem": 1.5,
    "f_named": 3.0, "f_word": 0.5, "f_sym_bm25": 1.5, "f_graph": 1.0, "f_test_import": 1.0,
    "f_noncode": -2.0, "f_sbfl": 3.0, "f_line": 3.0, "f_msg": 3.0, "f_import": 1.5, "f_backtick": 1.0,
    "f_size": 0.5, "f_stem_word": 0.5, "f_sym_rr": 1.0, "f_sem": 0.0, "f_title": 1.0, "f_sym_title": 1.0,
    "f_code_bm25": 1.0,
}
PRIOR_SYMBOL = {
    "bm25": 2.0, "bm25_rr": 2.0, "frame": 4.0, "exact": 4.0, "ident": 2.5,
    "word": 0.5, "graph": 0.8, "is_class": -1.0, "sbfl": 3.0, "near_bm25": 1.0,
    "named_test": -2.0, "frame_any": 1.0, "in_named_class": 1.5, "f_bm25": 1.0, "f_bm25_rr": 0.5,
    "f_frame": 1.0, "f_path": 1.0, "f_named": 0.5, "f_test_import": 0.5, "f_noncode": -1.5,
    "line": 3.0, "msg": 3.0, "imported": 2.0, "backtick": 1.5, "f_line": 1.0, "f_msg": 1.0,
    "f_import": 0.5, "f_backtick": 0.3, "f_size": 0.2, "in_function": 1.0, "title": 1.0, "f_title": 0.5,
}
SITE = "/home/user/.venv/lib/python3.11/site-packages/"
USER_DIR = "/home/user/project/"


def cache_root() -> Path:
    return Path(os.environ.get("SWEBOT_BENCH_CACHE", Path.home() / ".cache" / "swebot" / "bench"))


def fetch_library(name: str, meta: dict) -> Path:
    """Unpacked sdist of the library (downloaded once with pip, then reused)."""
    base = cache_root()
    dest = base / "src" / f"{name}-{meta['version']}"
    if (dest / ".complete").exists():
        return dest
    sdists = base / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    spec = f"{meta['pypi']}=={meta['version']}"
    found = [p for p in sdists.glob("*.tar.gz") if _sdist_matches(p.name, meta)]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", spec,
             "-d", str(sdists)],
            check=True,
        )
        found = [p for p in sdists.glob("*.tar.gz") if _sdist_matches(p.name, meta)]
    if not found:
        raise SystemExit(f"could not download {spec}")
    tmp = Path(tempfile.mkdtemp(dir=base))
    with tarfile.open(found[0]) as tar:
        tar.extractall(tmp, filter="data")
    (top,) = list(tmp.iterdir())
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    top.rename(dest)
    shutil.rmtree(tmp)
    (dest / ".complete").write_text("ok")
    return dest


def _sdist_matches(filename: str, meta: dict) -> bool:
    norm = re.sub(r"[-_.]+", "-", filename.lower())
    want = re.sub(r"[-_.]+", "-", f"{meta['pypi']}-{meta['version']}".lower())
    return norm.startswith(want + "-tar") or norm == want + "-tar-gz"


@dataclass
class Prepared:
    case: dict
    tree: Path
    issue: str
    repo: RepoIndex
    index_seconds: float


def inject(case: dict, tree: Path) -> None:
    target = tree / case["file"]
    text = target.read_text()
    count = text.count(case["old"])
    if count != 1:
        raise SystemExit(f"{case['id']}: the edit's old text occurs {count} times in {case['file']}")
    target.write_text(text.replace(case["old"], case["new"]))


def make_traceback(case: dict, tree: Path, import_root: str) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="swebot-repro-"))
    try:
        script = workdir / "repro.py"
        script.write_text(case["snippet"].strip() + "\n")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = str((tree / import_root).resolve())
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
        )
        if "Traceback" not in proc.stderr:
            raise SystemExit(f"{case['id']}: the snippet did not raise:\n{proc.stdout}\n{proc.stderr}")
        tb = proc.stderr[proc.stderr.index("Traceback"):].strip()
        # Show paths as a user would see them: an installed package and their own script.
        tb = tb.replace(str((tree / import_root).resolve()) + "/", SITE)
        tb = tb.replace(str(workdir.resolve()) + "/", USER_DIR)
        lines = tb.splitlines()
        if len(lines) > 60:  # a recursion traceback; users paste the head and the tail
            lines = lines[:30] + ["  ..."] + lines[-30:]
        return "```\n" + "\n".join(lines) + "\n```"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def prepare(case: dict, libs: dict, workroot: Path) -> Prepared:
    meta = libs[case["library"]]
    src = fetch_library(case["library"], meta)
    tree = workroot / case["id"]
    shutil.copytree(src, tree, ignore=shutil.ignore_patterns(".complete"))
    inject(case, tree)
    issue = case["issue"].strip()
    if case.get("snippet"):
        issue = issue.replace("{traceback}", make_traceback(case, tree, meta["import_root"]))
    t0 = time.perf_counter()
    symbols = build_index(tree)
    lexical = LexicalIndex.build(symbols)
    seconds = time.perf_counter() - t0
    return Prepared(case, tree, issue, RepoIndex(symbols, lexical, key="bench"), seconds)


# ---------------------------------------------------------------- evaluation


def target_rows(p: Prepared) -> tuple[int | None, list[int]]:
    files = p.repo.symbols.files
    fi = next((i for i, f in enumerate(files) if f.path == p.case["file"]), None)
    fn = p.case["function"]
    rows = [
        i
        for i, s in enumerate(p.repo.lexical.symbol_list)
        if s.path == p.case["file"] and (s.name == fn or s.name.startswith(fn + "."))
    ]
    if fi is None or not rows:
        raise SystemExit(f"{p.case['id']}: target {p.case['file']}::{fn} not in the index")
    return fi, rows


def ranks(file_scores: np.ndarray, sym_scores: np.ndarray, fi: int, rows: list[int]) -> tuple[int, int]:
    """1-based rank of the target file and of the best-ranked target symbol."""
    f_rank = int((file_scores > file_scores[fi]).sum()) + 1
    best = max(sym_scores[r] for r in rows)
    s_rank = int((sym_scores > best).sum()) + 1
    return f_rank, s_rank


def plain_bm25(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Baseline: bm25s with its own English tokenizer over raw file text and raw symbol source."""
    import bm25s

    files = p.repo.symbols.files
    syms = p.repo.lexical.symbol_list
    out = []
    for docs in ([f.text for f in files], [s.text for s in syms]):
        model = bm25s.BM25()
        model.index(bm25s.tokenize(docs, stopwords="en", show_progress=False), show_progress=False)
        q = bm25s.tokenize([p.issue], stopwords="en", show_progress=False, return_ids=False)[0]
        # Tokens the corpus never saw have no id; bm25s scores the rest.
        q = [t for t in q if t in model.vocab_dict]
        out.append(np.asarray(model.get_scores(q)) if q else np.zeros(len(docs)))
    return out[0], out[1]


def fit_listwise(
    data: list[tuple[np.ndarray, list[int]]], prior: np.ndarray, *, l2: float = 0.05, steps: int = 800,
    lr: float = 0.5,
) -> np.ndarray:
    """Softmax (listwise logistic) regression: maximize the probability of the targets in each case.

    The penalty pulls towards ``prior`` rather than zero, so a signal the cases never exercise
    (SBFL, an explicit path) keeps its prior weight instead of being switched off.
    """
    w = prior.astype(float).copy()
    for _ in range(steps):
        grad = l2 * (w - prior)
        for x, pos in data:
            z = x @ w
            z -= z.max()
            pr = np.exp(z)
            pr /= pr.sum()
            target = np.zeros(len(x))
            target[pos] = 1.0 / len(pos)
            grad += x.T @ (pr - target) / len(data)
        w -= lr * grad
    return w


def acc(rs: list[int], k: int) -> float:
    return 100.0 * sum(r <= k for r in rs) / max(len(rs), 1)


def report(title: str, rows: list[dict], keys: tuple[str, str]) -> str:
    f, s = keys
    fr = [r[f] for r in rows]
    sr = [r[s] for r in rows]
    return (f"{title:<34} n={len(rows):>3}  file acc@1 {acc(fr, 1):5.1f}  acc@5 {acc(fr, 5):5.1f}   "
            f"function acc@1 {acc(sr, 1):5.1f}  acc@5 {acc(sr, 5):5.1f}")


def is_heldout(case_id: str) -> bool:
    # A stable half of the cases, independent of their order in the file.
    return hashlib.sha1(case_id.encode()).digest()[0] % 2 == 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, default=HERE / "cases.toml")
    ap.add_argument("--only", help="run only the cases of this library")
    ap.add_argument("--fit", action="store_true", help="fit weights on the training half and print them")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = ap.parse_args()
    data = tomllib.loads(args.cases.read_text())
    libs, cases = data["libraries"], data["case"]
    if args.only:
        cases = [c for c in cases if c["library"] == args.only]
    workroot = Path(tempfile.mkdtemp(prefix="swebot-bench-"))
    prepared: list[Prepared] = []
    try:
        for case in cases:
            prepared.append(prepare(case, libs, workroot))
        results = []
        feats_all = []
        for p in prepared:
            fi, rows = target_rows(p)
            t0 = time.perf_counter()
            signals = parse_issue(p.issue)
            feats = rank.compute_features(p.repo, signals)
            loc = rank.rank_features(p.repo, feats, top=10)
            query_s = time.perf_counter() - t0
            fw = np.array([rank.FILE_WEIGHTS.get(n, 0.0) for n in rank.FILE_FEATURES])
            sw = np.array([rank.SYMBOL_WEIGHTS.get(n, 0.0) for n in rank.SYMBOL_FEATURES])
            f_rank, s_rank = ranks(feats.file_x @ fw, feats.sym_x @ sw, fi, rows)
            assert loc.files  # the public path ran too
            t1 = time.perf_counter()
            bf, bs = plain_bm25(p)
            base_s = time.perf_counter() - t1
            b_f, b_s = ranks(bf, bs, fi, rows)
            feats_all.append((feats, fi, rows))
            r = {"id": p.case["id"], "heldout": is_heldout(p.case["id"]), "tb": bool(p.case.get("snippet")),
                 "file": f_rank, "func": s_rank, "bm25_file": b_f, "bm25_func": b_s,
                 "query_s": query_s, "index_s": p.index_seconds, "base_s": base_s}
            results.append(r)
            if args.verbose:
                print(f"{r['id']:<32} file #{f_rank:<3} func #{s_rank:<4} | bm25 file #{b_f:<3} func #{b_s:<4}"
                      f" {'tb' if r['tb'] else ''}")
        libs_used = sorted({c["library"] for c in cases})
        print(f"\n{len(results)} cases over {len(libs_used)} libraries: {', '.join(libs_used)}")
        print(f"with tracebacks: {sum(r['tb'] for r in results)}; held-out half: "
              f"{sum(r['heldout'] for r in results)}\n")
        held = [r for r in results if r["heldout"]]
        train = [r for r in results if not r["heldout"]]
        print(report("swebot localize (all)", results, ("file", "func")))
        print(report("swebot localize (held-out)", held, ("file", "func")))
        print(report("swebot localize (training half)", train, ("file", "func")))
        print(report("plain BM25 baseline (all)", results, ("bm25_file", "bm25_func")))
        print(report("plain BM25 baseline (held-out)", held, ("bm25_file", "bm25_func")))
        q = np.array([r["query_s"] for r in results])
        ix = np.array([r["index_s"] for r in results])
        b = np.array([r["base_s"] for r in results])
        print(f"\ntime per query (index built): swebot mean {q.mean()*1000:.0f} ms, max {q.max()*1000:.0f} ms; "
              f"index build mean {ix.mean():.2f} s; plain BM25 (index+query) mean {b.mean()*1000:.0f} ms")
        if args.fit:
            fit_and_report(feats_all, results)
    finally:
        shutil.rmtree(workroot, ignore_errors=True)
    return 0


def fit_and_report(feats_all: list, results: list[dict]) -> None:
    train_idx = [i for i, r in enumerate(results) if not r["heldout"]]
    file_data = [(feats_all[i][0].file_x, [feats_all[i][1]]) for i in train_idx]
    sym_data = [(feats_all[i][0].sym_x, feats_all[i][2]) for i in train_idx]
    fw = fit_listwise(file_data, np.array([PRIOR_FILE.get(n, 0.0) for n in rank.FILE_FEATURES]))
    sw = fit_listwise(sym_data, np.array([PRIOR_SYMBOL.get(n, 0.0) for n in rank.SYMBOL_FEATURES]))
    fitted = []
    for (feats, fi, rows), r in zip(feats_all, results):
        f_rank, s_rank = ranks(feats.file_x @ fw, feats.sym_x @ sw, fi, rows)
        fitted.append({**r, "file": f_rank, "func": s_rank})
    print("\nweights fitted on the training half:")
    print(report("fitted (held-out)", [r for r in fitted if r["heldout"]], ("file", "func")))
    print(report("fitted (training half)", [r for r in fitted if not r["heldout"]], ("file", "func")))
    print("FILE_WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(rank.FILE_FEATURES, fw)) + "}")
    print("SYMBOL_WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(rank.SYMBOL_FEATURES, sw)) + "}")


if __name__ == "__main__":
    sys.exit(main())
