"""Experiment: does the optional semantic signal (swebot/localize/semantic.py) help on real issues?

    python3 bench/localize/semantic_eval.py --collect [--set dev|test]   # embed, keep per-instance scores
    python3 bench/localize/semantic_eval.py --grid [--set dev]           # try feature shapes and weights

--collect scores every instance with rank.py's weights, embeds the issue (three ways: its opening,
its title, its prose without code) and the summaries of the candidates (the COLLECT_FILES best code
files, the CANDIDATE_SYMBOLS best code symbols), and keeps the scores, the similarities and the gold
rows under $SWEBOT_LOCALIZE_DATA/sem/. --grid reads them back and prints acc@k for combinations
without reloading any index. The embeddings are cached by text ($SWEBOT_LOCALIZE_DATA/sem_cache.pkl).
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import real_data as rd  # noqa: E402
from real import MISS, gold_rows, weight_vectors  # noqa: E402

from swebot.localize import rank, semantic  # noqa: E402
from swebot.localize.issue_text import parse_issue  # noqa: E402

OUT = rd.DATA / "sem"


def _prose(text: str) -> str:
    """The issue without fenced code, tracebacks and indented blocks."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    keep = [ln for ln in text.splitlines()
            if ln.strip() and not ln.startswith(("    ", "\t", ">>>", "Traceback", "  File "))]
    return "\n".join(keep)


QUERIES = {
    "head": semantic.issue_query,
    "title": lambda t: next((ln.strip() for ln in t.splitlines() if ln.strip()), t)[:300],
    "prose": lambda t: semantic.issue_query(_prose(t)),
}
KEEP_SYMBOLS = 2000
COLLECT_FILES = 30  # the grid tries candidate sets up to this many files


def collect(insts: list[rd.Instance], embedder: semantic.Embedder, cache: semantic.EmbeddingCache) -> None:
    fw, sw = weight_vectors(rank.FILE_WEIGHTS, rank.SYMBOL_WEIGHTS)
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for n, inst in enumerate(insts, 1):
        dest = OUT / f"{inst.id}.pkl"
        if dest.exists():
            continue
        loaded = rd.load(inst)
        if loaded is None:
            continue
        repo, rec = loaded
        feats = rank.compute_features(repo, parse_issue(inst.issue))
        fs, ss = feats.file_x @ fw, feats.sym_x @ sw
        changes = rd.patch_changes(inst.patch)
        now = {(p, nm) for p in changes if p in repo.symbols.by_path
               for nm in rd.gold_symbols(repo.symbols, p, changes[p])}
        rec = {**rec, "gold_symbols": [[p, nm] for p, nm in rec["gold_symbols"] if (p, nm) in now]}
        frows, srows = gold_rows(repo, rec)
        files, syms = repo.symbols.files, repo.lexical.symbol_list
        code = np.array([f.kind == "code" for f in files])
        sym_code = code[np.repeat(np.arange(len(files)), [len(f.symbols) for f in files])] \
            if sum(len(f.symbols) for f in files) == len(syms) else np.array([True] * len(syms))
        file_rows = semantic.top_code_rows(fs, COLLECT_FILES, code)
        sym_rows = semantic.top_code_rows(ss, semantic.CANDIDATE_SYMBOLS, sym_code)
        texts = [semantic.file_summary(files[i]) for i in file_rows] + \
            [semantic.symbol_summary(syms[i]) for i in sym_rows]
        queries = {name: make(inst.issue) for name, make in QUERIES.items()}
        qv = cache.embed(embedder, list(queries.values()))
        cv = cache.embed(embedder, texts)
        sims = {name: cv @ qv[k] for k, name in enumerate(queries)}
        nf = len(file_rows)
        sc_files = {name: dict(zip(file_rows, map(float, v[:nf]))) for name, v in sims.items()}
        sc_syms = {name: dict(zip(sym_rows, map(float, v[nf:]))) for name, v in sims.items()}
        sc = semantic.SemanticScores(sc_files["head"], sc_syms["head"])
        keep_s = np.argsort(-ss, kind="stable")[:KEEP_SYMBOLS]
        keep_s = np.array(sorted(set(keep_s.tolist()) | set(srows) | set(sc.symbols)), dtype=int)
        dest.write_bytes(pickle.dumps({
            "id": inst.id, "repo": inst.repo, "fs": fs, "code": code, "ss_rows": keep_s, "ss": ss[keep_s],
            "n_syms": len(syms), "sym_file": np.repeat(np.arange(len(files)), [len(f.symbols) for f in files])[keep_s]
            if sum(len(f.symbols) for f in files) == len(syms) else None,
            "gold_files": frows, "gold_syms": srows, "file_sim": sc.files, "sym_sim": sc.symbols,
            "file_sims": sc_files, "sym_sims": sc_syms,
        }))
        if n % 10 == 0:
            cache.save()
            print(f"{n}/{len(insts)} {time.time() - t0:.0f} s, {len(cache.vectors)} cached", flush=True)
    cache.save()


def _rank(scores: np.ndarray, rows: list[int]) -> list[int]:
    r = rd.stable_ranks(scores)
    return [int(r[i]) for i in rows]


def _acc(ranks: list[int], k: int) -> float:
    return 100.0 * sum(r <= k for r in ranks) / max(len(ranks), 1)


def sem_column(n: int, sims: dict, rows: list[int], shape: str) -> np.ndarray:
    """The semantic feature over ``n`` rows, from the similarities of the candidate ``rows``."""
    out = np.zeros(n)
    if not rows:
        return out
    v = np.array([sims[i] for i in rows])
    if shape == "raw":
        out[rows] = np.clip(v, 0, None)
    elif shape == "minmax":
        lo, hi = v.min(), v.max()
        out[rows] = (v - lo) / (hi - lo) if hi > lo else 0.0
    elif shape == "rr":  # what swebot localize --semantic uses
        return semantic.candidate_feature({i: sims[i] for i in rows}, n)
    elif shape == "z":
        out[rows] = np.clip((v - v.mean()) / (v.std() + 1e-9), 0, None) / 3
    return out


def evaluate(recs: list[dict], f_w: float = 0.0, f_shape: str = "minmax", f_cands: int = 30, s_w: float = 0.0,
             s_shape: str = "minmax", s_cands: int = 50, s_file_w: float = 0.0,
             query: str = "head", f_margin: float = 0.0, s_margin: float = 0.0) -> tuple[list[int], list[int]]:
    """Per instance, the rank of every gold file and of the best gold function when the semantic
    columns (``f_w`` on files, ``s_w`` on symbols, ``s_file_w`` the file's on its symbols) are added."""
    franks, sranks = [], []
    for r in recs:
        fs = r["fs"]
        n = len(fs)
        fsim = r["file_sims"][query]
        cands = semantic.top_code_rows(fs, f_cands, r["code"])
        if f_margin and cands:  # only the files within f_margin of the best
            cands = [i for i in cands if fs[i] >= fs[cands[0]] - f_margin]
        fcol = sem_column(n, fsim, cands, f_shape)
        fs2 = fs + f_w * fcol
        present = [i for i in r["gold_files"] if i is not None]
        fr = _rank(fs2, present) + [MISS] * (len(r["gold_files"]) - len(present))
        franks.append(max(fr) if fr else MISS)
        if r["gold_syms"]:
            rows = r["ss_rows"]
            ss = r["ss"].copy()
            if s_w:
                ssim = r["sym_sims"][query]
                # the candidates: the best s_cands by the other signals (the order kept at collection)
                srows_c = list(ssim)[:s_cands]
                if s_margin and srows_c:
                    full = dict(zip(rows.tolist(), r["ss"]))
                    top = full[srows_c[0]]
                    srows_c = [i for i in srows_c if full[i] >= top - s_margin]
                col = sem_column(r["n_syms"], ssim, srows_c, s_shape)
                ss = ss + s_w * col[rows]
            if s_file_w and r["sym_file"] is not None:
                ss = ss + s_file_w * fcol[r["sym_file"]]
            pos = {int(x): k for k, x in enumerate(rows)}
            sr = _rank(ss, [pos[g] for g in r["gold_syms"] if g in pos])
            sranks.append(min(sr) if sr else MISS)
    return franks, sranks


def line(label: str, fr: list[int], sr: list[int]) -> str:
    return (f"{label:<48} file {_acc(fr, 1):5.1f} {_acc(fr, 5):5.1f} {_acc(fr, 10):5.1f} | "
            f"fn {_acc(sr, 1):5.1f} {_acc(sr, 5):5.1f} {_acc(sr, 10):5.1f}")


def load_recs(insts: list[rd.Instance]) -> list[dict]:
    return [pickle.loads((OUT / f"{i.id}.pkl").read_bytes()) for i in insts if (OUT / f"{i.id}.pkl").exists()]


def grid(recs: list[dict]) -> None:
    print(f"{len(recs)} instances")
    print(line("baseline", *evaluate(recs)))
    for query in QUERIES:
        for shape in ("minmax", "rr", "raw"):
            for cands in (10, 20, 30):
                for w in (0.5, 1.0, 2.0, 3.0):
                    fr, sr = evaluate(recs, f_w=w, f_shape=shape, f_cands=cands, query=query)
                    print(line(f"{query} file {shape} top {cands} w {w}", fr, sr))
        for shape in ("minmax", "rr", "raw"):
            for cands in (25, 50):
                for w in (0.5, 1.0, 2.0, 3.0):
                    fr, sr = evaluate(recs, s_w=w, s_shape=shape, s_cands=cands, query=query)
                    print(line(f"{query} sym {shape} top {cands} w {w}", fr, sr))


def by_repo(recs: list[dict], **kw: object) -> None:
    for repo in sorted({r["repo"] for r in recs}):
        rs = [r for r in recs if r["repo"] == repo]
        print(line(f"{repo} n={len(rs)} before", *evaluate(rs)))
        print(line(f"{repo} n={len(rs)} after", *evaluate(rs, **kw)))  # type: ignore[arg-type]


PRODUCT = dict(f_w=rank.SEM_FILE, f_shape="rr", f_cands=semantic.CANDIDATE_FILES, f_margin=semantic.FILE_MARGIN,
               s_w=rank.SEM_SYMBOL, s_shape="rr", s_cands=semantic.CANDIDATE_SYMBOLS,
               s_file_w=rank.SEM_FILE_ON_SYMBOL)


def _mrr(ranks: list[int]) -> float:
    return sum(1.0 / r for r in ranks) / max(len(ranks), 1)


def report(recs: list[dict]) -> None:
    """Without and with the semantic columns as swebot localize --semantic weighs them, overall
    and per repository (file acc@1/5/10, function acc@1/5/10)."""
    print("| | n | file acc@1 | acc@5 | acc@10 | n fn | function acc@1 | acc@5 | acc@10 |\n|---|---|---|---|---|---|---|---|---|")
    groups = [("all", recs)] + [(repo, [r for r in recs if r["repo"] == repo])
                                for repo in sorted({r["repo"] for r in recs})]
    for name, rs in groups:
        for label, kw in (("", {}), (" --semantic", PRODUCT)):
            fr, sr = evaluate(rs, **kw)  # type: ignore[arg-type]
            print(f"| {name}{label} | {len(fr)} | {_acc(fr, 1):.1f} | {_acc(fr, 5):.1f} | {_acc(fr, 10):.1f} | "
                  f"{len(sr)} | {_acc(sr, 1):.1f} | {_acc(sr, 5):.1f} | {_acc(sr, 10):.1f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("dev", "test"), default="dev")
    ap.add_argument("--collect", action="store_true")
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--report", action="store_true", help="before/after with the weights of rank.py")
    args = ap.parse_args()
    insts = [i for i in rd.load_instances() if i.split == args.set]
    if args.collect:
        cache = semantic.EmbeddingCache.open(rd.DATA / "sem_cache.pkl")
        collect(insts, semantic.MiniLM(threads=1), cache)
    if args.grid:
        grid(load_recs(insts))
    if args.report:
        report(load_recs(insts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
