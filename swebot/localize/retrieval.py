"""Lexical retrieval (BM25, scored as bm25s scores) over files and over symbol-level documents.

Code and prose share one tokenizer: identifiers are split on case changes and underscores and kept
whole too, so ``parse_isoformat`` in an issue matches the definition and also ``isoformat`` in a
docstring.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Mapping, Sequence

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


EMPTY_DOC = "\x00empty"  # an empty document holds this one token, as bm25s needs (scores match it)


@dataclass
class TermCounts:
    """Term counts of a run of documents over a vocabulary of their own: what a worker process
    sends back instead of the tokens (a fraction of the bytes, and no counting left to do)."""

    terms: list[str]  # the run's vocabulary
    term: np.ndarray  # term id (into ``terms``) of each (document, term) pair, documents in order
    tf: np.ndarray  # how often the term occurs in the document
    per_doc: np.ndarray  # pairs per document
    length: np.ndarray  # tokens per document

    @property
    def size(self) -> int:
        return len(self.per_doc)

    @classmethod
    def of(cls, docs: Sequence[list[str] | Counter[str]]) -> "TermCounts":
        """Counts of ``docs`` (token lists, or their term counts when a caller keeps those)."""
        vocab: dict[str, int] = {}
        setdefault = vocab.setdefault
        term_ids: list[int] = []
        tfs: list[int] = []
        per_doc = np.empty(len(docs), dtype=np.int64)
        lengths = np.empty(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            if not doc:
                doc = [EMPTY_DOC]
            counts = doc if isinstance(doc, Counter) else Counter(doc)
            term_ids.extend(setdefault(t, len(vocab)) for t in counts)
            tfs.extend(counts.values())
            per_doc[i] = len(counts)
            lengths[i] = counts.total() if doc is counts else len(doc)
        return cls(list(vocab), np.asarray(term_ids, dtype=np.int64), np.asarray(tfs, dtype=np.int32),
                   per_doc, lengths)


class Vocabulary(Mapping[str, int]):
    """Term -> id, kept as one sorted blob of the terms and two arrays.

    A dict of a big tree's terms costs a cached query tens of milliseconds to unpickle (every key
    made and hashed again); a query looks up a few hundred terms, each a binary search here."""

    def __init__(self, vocab: Mapping[str, int]) -> None:
        terms = sorted(vocab)
        joined = "".join(terms)
        self._blob = joined.encode("utf-8", "surrogatepass")
        if len(self._blob) == len(joined):  # ASCII (identifiers always are): a character is a byte
            lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        else:
            lengths = np.array([len(t.encode("utf-8", "surrogatepass")) for t in terms], dtype=np.int64)
        self._ends = array("q", np.cumsum(lengths).tobytes())
        self._ids = array("q", np.fromiter(map(vocab.__getitem__, terms), dtype=np.int64, count=len(terms)).tobytes())

    def _find(self, term: str) -> int:
        key = term.encode("utf-8", "surrogatepass")
        blob, ends = self._blob, self._ends
        lo, hi = 0, len(ends)
        while lo < hi:
            mid = (lo + hi) // 2
            got = blob[ends[mid - 1] if mid else 0: ends[mid]]
            if got < key:
                lo = mid + 1
            elif got > key:
                hi = mid
            else:
                return self._ids[mid]
        return -1

    def __getitem__(self, term: str) -> int:
        found = self._find(term) if isinstance(term, str) else -1
        if found < 0:
            raise KeyError(term)
        return found

    def get(self, term: str, default: int | None = None) -> int | None:  # type: ignore[override]  # Mapping.get's overloads, one signature here
        found = self._find(term) if isinstance(term, str) else -1
        return default if found < 0 else found

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._find(term) >= 0

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends:
            yield self._blob[start:end].decode("utf-8", "surrogatepass")
            start = end


K1, B = 1.5, 0.75  # bm25s's defaults, which the index was first built with


@dataclass
class Bm25Index:
    """BM25 term scores of a list of token documents, kept as plain arrays.

    Scoring is a sum of precomputed per-(term, document) scores, done here with numpy, so a query
    against a cached index needs nothing but numpy.
    """

    vocab: Mapping[str, int]  # a Vocabulary; a dict in indexes built before it
    data: np.ndarray  # score of each (term, document) pair, grouped by term
    indices: np.ndarray  # the document of each pair
    indptr: np.ndarray  # term id -> its slice of data/indices
    size: int

    @classmethod
    def build(cls, docs: Sequence[list[str] | Counter[str]]) -> "Bm25Index":
        """The scores bm25s computes with its defaults (Lucene BM25, k1=1.5, b=0.75), computed here
        with numpy from per-document term counts: bm25s maps every token of the corpus to an id in
        Python first, which on a Django-sized tree costs seconds."""
        return cls.from_counts([TermCounts.of(docs)])

    @classmethod
    def from_counts(cls, parts: Sequence["TermCounts"]) -> "Bm25Index":
        """The index of the documents of ``parts``, one after the other (each part's counts made
        where its documents were, in a worker process: only distinct terms and arrays travel)."""
        # Ids in order of first occurrence, made by C loops (dict.fromkeys, map): a Python loop over
        # every run's terms is a good part of a cold index of a big tree.
        unique = dict.fromkeys(itertools.chain.from_iterable(part.terms for part in parts))
        vocab: dict[str, int] = dict(zip(unique, range(len(unique))))
        terms_l, tf_l, doc_l, len_l = [], [], [], []
        offset = 0
        for part in parts:
            ids = np.fromiter(map(vocab.__getitem__, part.terms), dtype=np.int64, count=len(part.terms))
            terms_l.append(ids[part.term])
            tf_l.append(part.tf)
            doc_l.append(np.repeat(np.arange(offset, offset + part.size, dtype=np.int32), part.per_doc))
            len_l.append(part.length)
            offset += part.size
        size = offset
        if not size:
            return cls(vocab={}, data=np.zeros(0, np.float32), indices=np.zeros(0, np.int32),
                       indptr=np.zeros(1, np.int64), size=0)
        terms = np.concatenate(terms_l)
        tf = np.concatenate(tf_l).astype(np.float64)
        doc_of = np.concatenate(doc_l)
        lengths = np.concatenate(len_l).astype(np.float64)
        df = np.bincount(terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log(1.0 + (size - df + 0.5) / (df + 0.5))
        norm = K1 * ((1.0 - B) + B * lengths / lengths.mean())
        score = idf[terms] * tf / (norm[doc_of] + tf)
        order = np.argsort(terms, kind="stable")  # group by term, documents ascending within a term
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=indptr[1:])
        return cls(vocab=Vocabulary(vocab), data=score[order].astype(np.float32), indices=doc_of[order],
                   indptr=indptr, size=size)

    def scores(self, query: list[str]) -> np.ndarray:
        """Every document's score; a term repeated in the query counts each time, as in bm25s."""
        vocab = self.vocab
        ids = [i for i in (vocab.get(t, -1) for t in query) if i >= 0]
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


def _slim(entry: FileEntry) -> FileEntry:
    """The entry without what only indexing reads (texts, line keys, literals): the cache and the
    queries never need them, and they are most of what a worker would send back."""
    syms = tuple(Symbol(s.name, s.kind, s.path, s.start, s.end, s.calls, s.signature, "") for s in entry.symbols)
    return replace(entry, text="", symbols=syms, line_keys=(), literals=())


def _chunk_documents(entries: list[FileEntry]) -> tuple[list[FileEntry], tuple[TermCounts, TermCounts, CodeIndex]]:
    """In the worker that parsed a run of files: their BM25 counts and code index, and slim entries."""
    docs = [entry_documents(e) for e in entries]
    files = TermCounts.of([d for d, _ in docs])
    symbols = TermCounts.of([sd for _, per_symbol in docs for sd in per_symbol])
    code = CodeIndex.build([(e.line_keys, e.literals) for e in entries])
    return [_slim(e) for e in entries], (files, symbols, code)


def build_indexes(root: Path, *, workers: int | None = None) -> tuple[SymbolIndex, LexicalIndex]:
    """Symbol and lexical indexes of ``root``, tokenized and counted in the worker processes that
    parse; the entries come back without their texts (``LexicalIndex.build`` could not rebuild)."""
    index, parts = build_index_with(root, _chunk_documents, workers=workers)
    return index, LexicalIndex(
        files=Bm25Index.from_counts([f for f, _, _ in parts]),
        symbols=Bm25Index.from_counts([s for _, s, _ in parts]),
        symbol_list=[s for f in index.files for s in f.symbols],
        code=CodeIndex.concat([c for _, _, c in parts], [f.size for f, _, _ in parts]),
    )
