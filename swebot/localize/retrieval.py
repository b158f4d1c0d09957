"""Lexical retrieval (BM25, scored as bm25s scores) over files and over symbol-level documents.

Code and prose share one tokenizer: identifiers are split on case changes and underscores and kept
whole too, so ``parse_isoformat`` in an issue matches the definition and also ``isoformat`` in a
docstring.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from swebot.localize.code_match import CodeIndex
from swebot.localize.symbols import FileEntry, Symbol, SymbolIndex, build_index_with

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
# Acronym plurals ("URLs") first, so they do not split into "UR" + "Ls".
_CAMEL = re.compile(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# English glue words and Python keywords carry no location signal.
STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its it's me my no not of on or our so such than that the their them then there these
    they this those to too was we were what when where which while who why will with would you your
    self cls def return none true false pass import none elif else try except finally raise lambda
    yield assert class del global nonlocal continue break async await also just should get
    use using used instead expected actual see seems like one two any all some only very""".split()
)


def _stem(word: str) -> str:
    # A light suffix strip so "parses"/"parsing"/"parsed" meet "parse" without a stemmer dependency.
    for suffix, min_len in (("ing", 6), ("ies", 5), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= min_len:
            base = word[: -len(suffix)]
            return base + "y" if suffix == "ies" else base
    return word


_memo: dict[str, tuple[str, ...]] = {}


def _split(raw: str) -> tuple[str, ...]:
    parts = [p for chunk in raw.split("_") for p in _CAMEL.findall(chunk)]
    whole = raw.strip("_").lower()
    out = [whole] if len(parts) > 1 and whole and whole not in STOPWORDS else []
    for p in parts:
        w = p.lower()
        if len(w) > 1 and w not in STOPWORDS:
            out.append(_stem(w))
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """Lower-case tokens: each identifier, whole and split into its words, stemmed, minus stopwords."""
    out: list[str] = []
    memo = _memo
    for raw in _TOKEN.findall(text):
        toks = memo.get(raw)
        if toks is None:
            # Identifiers repeat endlessly in code; splitting each distinct one once is most of the speed.
            toks = () if raw.isdigit() else _split(raw)
            if len(memo) < 500_000:
                memo[raw] = toks
        out.extend(toks)
    return out


def symbol_document(sym: Symbol, module: str) -> list[str]:
    # The name counts three times: a match there says more than one in a body.
    head = tokenize(sym.name) * 3 + tokenize(sym.signature)
    return head + tokenize(module.rsplit(".", 1)[-1]) + tokenize(sym.text)


def file_document(entry: FileEntry) -> list[str]:
    return tokenize(entry.path) * 2 + tokenize(entry.text)


EntryDocs = tuple[list[str], list[list[str]]]  # (file document, one document per symbol)


def entry_documents(entry: FileEntry) -> EntryDocs:
    return file_document(entry), [symbol_document(s, entry.module) for s in entry.symbols]


K1, B = 1.5, 0.75  # bm25s's defaults, which the index was first built with


@dataclass
class Bm25Index:
    """BM25 term scores of a list of token documents, kept as plain arrays.

    Scoring is a sum of precomputed per-(term, document) scores, done here with numpy, so a query
    against a cached index needs nothing but numpy.
    """

    vocab: dict[str, int]
    data: np.ndarray  # score of each (term, document) pair, grouped by term
    indices: np.ndarray  # the document of each pair
    indptr: np.ndarray  # term id -> its slice of data/indices
    size: int

    @classmethod
    def build(cls, docs: Sequence[list[str] | Counter[str]]) -> "Bm25Index":
        """The scores bm25s computes with its defaults (Lucene BM25, k1=1.5, b=0.75), computed here
        with numpy from per-document term counts: bm25s maps every token of the corpus to an id in
        Python first, which on a Django-sized tree costs seconds."""
        # An empty document or list gets a sentinel token, as bm25s needs (and so scores match it).
        padded = [d if d else ["\x00empty"] for d in docs] or [["\x00empty"]]
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        tfs: list[int] = []
        per_doc = np.empty(len(padded), dtype=np.int64)
        lengths = np.empty(len(padded), dtype=np.float64)
        setdefault = vocab.setdefault
        for i, doc in enumerate(padded):
            # A caller that keeps documents across builds may pass their term counts instead.
            counts = doc if isinstance(doc, Counter) else Counter(doc)
            term_ids.extend(setdefault(t, len(vocab)) for t in counts)
            tfs.extend(counts.values())
            per_doc[i] = len(counts)
            lengths[i] = counts.total() if doc is counts else len(doc)
        terms = np.asarray(term_ids, dtype=np.int64)
        tf = np.asarray(tfs, dtype=np.float64)
        doc_of = np.repeat(np.arange(len(padded), dtype=np.int32), per_doc)
        n = len(padded)
        df = np.bincount(terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = K1 * ((1.0 - B) + B * lengths / lengths.mean())
        score = idf[terms] * tf / (norm[doc_of] + tf)
        order = np.argsort(terms, kind="stable")  # group by term, documents ascending within a term
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
        return cls(
            vocab=vocab,
            data=score[order].astype(np.float32),
            indices=doc_of[order],
            indptr=indptr,
            size=len(docs),
        )

    def scores(self, query: list[str]) -> np.ndarray:
        """Every document's score; a term repeated in the query counts each time, as in bm25s."""
        ids = [self.vocab[t] for t in query if t in self.vocab]
        if not self.size or not ids:
            return np.zeros(self.size)
        starts, ends = self.indptr[ids], self.indptr[np.asarray(ids) + 1]
        docs = np.concatenate([self.indices[s:e] for s, e in zip(starts, ends)])
        weights = np.concatenate([self.data[s:e] for s, e in zip(starts, ends)]).astype(float)
        return np.bincount(docs, weights=weights, minlength=self.size)[: self.size]


@dataclass
class LexicalIndex:
    """BM25 over files and over symbols of one ``SymbolIndex`` (same order as its iteration)."""

    files: Bm25Index
    symbols: Bm25Index
    symbol_list: list[Symbol]
    code: CodeIndex | None = None  # quoted lines and messages; None in indexes built without it

    @classmethod
    def build(cls, index: SymbolIndex, docs: Sequence[EntryDocs] | None = None) -> "LexicalIndex":
        """BM25 over ``index``; ``docs`` (from ``entry_documents``, aligned with ``index.files``)
        saves tokenizing again when the workers that parsed the files already did."""
        if docs is None:
            docs = [entry_documents(f) for f in index.files]
        syms: list[Symbol] = []
        sym_docs: list[list[str]] = []
        for f, (_, per_symbol) in zip(index.files, docs):
            syms.extend(f.symbols)
            sym_docs.extend(per_symbol)
        return cls(
            files=Bm25Index.build([file_doc for file_doc, _ in docs]),
            symbols=Bm25Index.build(sym_docs),
            symbol_list=syms,
            code=CodeIndex.build([(f.line_keys, f.literals) for f in index.files]),
        )


def build_indexes(root: Path, *, workers: int | None = None) -> tuple[SymbolIndex, LexicalIndex]:
    """Symbol and lexical indexes of ``root``, tokenizing in the same worker processes that parse."""
    index, docs = build_index_with(root, entry_documents, workers=workers)
    return index, LexicalIndex.build(index, docs)
