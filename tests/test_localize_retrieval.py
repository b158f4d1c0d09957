"""The shared code/prose tokenizer and BM25 over symbol documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from swebot.localize.retrieval import Bm25Index, LexicalIndex, tokenize
from swebot.localize.symbols import build_index
from tests.conftest import write_files


def test_identifiers_are_split_and_kept_whole() -> None:
    toks = tokenize("parse_isoformat HTTPResponseError fetchURLs")
    assert {"parse_isoformat", "parse", "isoformat"} <= set(toks)
    assert {"httpresponseerror", "http", "response", "error"} <= set(toks)
    assert {"fetch", "url"} <= set(toks)  # "URLs" stays one word and stems to "url"


def test_stopwords_numbers_and_keywords_are_dropped() -> None:
    assert tokenize("the 42 and self return None") == []


def test_inflections_meet_their_stem() -> None:
    assert set(tokenize("parsing")) == set(tokenize("parses")) == {"pars"}


def test_symbol_bm25_ranks_the_matching_definition_first(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "m.py": '''
            def parse_date(text):
                """Parse an ISO date string."""
                return text.split("-")


            def render_table(rows):
                """Render rows as a text table with borders."""
                return "\\n".join(rows)
            ''',
    })
    index = build_index(tmp_path)
    lexical = LexicalIndex.build(index)
    scores = lexical.symbols.scores(tokenize("dates are parsed wrong from ISO strings"))
    best = lexical.symbol_list[int(scores.argmax())]
    assert best.name == "parse_date"
    assert lexical.symbols.scores([]).tolist() == [0.0, 0.0]
    assert lexical.files.scores(tokenize("unknownword")).tolist() == [0.0]


def test_numpy_scoring_matches_bm25s() -> None:
    import random

    import bm25s
    import numpy as np

    from swebot.localize.retrieval import Bm25Index

    rng = random.Random(1)
    words = [f"w{i}" for i in range(200)]
    docs = [[rng.choice(words) for _ in range(rng.randint(1, 30))] for _ in range(300)]
    ours = Bm25Index.build(docs)
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    for _ in range(10):
        query = [rng.choice(words + ["unknown"]) for _ in range(6)]
        assert np.allclose(ours.scores(query), reference.get_scores(query), atol=1e-4)


def test_bm25_scores_are_those_of_bm25s() -> None:
    import bm25s

    docs = [["parse", "date", "parse"], [], ["format", "date", "time", "zone"], ["zone"] * 5 + ["parse"],
            ["unrelated", "words", "only"]]
    ours = Bm25Index.build(docs)
    model = bm25s.BM25()
    model.index([d if d else ["\x00empty"] for d in docs], show_progress=False)
    for query in (["parse"], ["date", "zone"], ["zone", "zone", "time"], ["missing"]):
        known = [t for t in query if t in model.vocab_dict]
        expected = np.asarray(model.get_scores(known)) if known else np.zeros(len(docs))
        assert np.allclose(ours.scores(query), expected, atol=1e-5), query


def test_counts_made_in_runs_score_as_one_index() -> None:
    from swebot.localize.retrieval import TermCounts

    docs = [["parse", "date"], [], ["date", "zone", "zone"], ["zone", "parse", "time"], ["time"]]
    whole = Bm25Index.build(docs)
    runs = Bm25Index.from_counts([TermCounts.of(docs[:2]), TermCounts.of(docs[2:4]), TermCounts.of(docs[4:])])
    for query in (["parse"], ["zone", "time"], ["date", "date"], ["missing"]):
        assert np.allclose(runs.scores(query), whole.scores(query)), query
    assert Bm25Index.from_counts([]).scores(["parse"]).tolist() == []


def test_parallel_build_indexes_what_a_serial_build_does(tmp_path: Path, monkeypatch) -> None:
    """Workers count terms and index quoted lines per run of files; merged, that is the serial index."""
    from swebot.localize import symbols
    from swebot.localize.retrieval import build_indexes

    monkeypatch.setattr(symbols, "PARALLEL_THRESHOLD", 10)
    files = {f"pkg/m{i:02d}.py": f'def parse_{i}(text):\n    """Parse record {i}."""\n'
             f'    raise ValueError("record number {i} could not be parsed")\n' for i in range(40)}
    files["pkg/zz_empty.py"] = ""
    write_files(tmp_path, files)
    serial = LexicalIndex.build(build_index(tmp_path, workers=1))
    index, parallel = build_indexes(tmp_path, workers=2)
    assert [s.name for s in parallel.symbol_list] == [s.name for s in serial.symbol_list]
    assert all(s.text == "" for s in parallel.symbol_list) and all(f.text == "" for f in index.files)
    for query in (["parse"], tokenize("record 17 could not be parsed"), ["empty"]):
        assert np.allclose(parallel.files.scores(query), serial.files.scores(query))
        assert np.allclose(parallel.symbols.scores(query), serial.symbols.scores(query))
    assert parallel.code is not None and serial.code is not None
    hits = parallel.code.find_literals('ValueError: record number 17 could not be parsed')
    assert [index.files[f].path for f, _, _ in hits] == ["pkg/m17.py"]  # file ids survive the merge
    assert parallel.code.find_literals("x") == serial.code.find_literals("x")
    line = 'raise ValueError("record number 3 could not be parsed")'
    assert {tuple(x) for x in parallel.code.find_line(line)[0]} == {tuple(x) for x in serial.code.find_line(line)[0]}


def test_vocabulary_looks_terms_up_as_the_dict_it_was_made_from() -> None:
    from swebot.localize.retrieval import Vocabulary

    terms = {"parse": 3, "pars": 0, "\x00empty": 1, "zeta": 2, "ünïcode": 4, "a": 5}
    vocab = Vocabulary(terms)
    assert dict(vocab.items()) == terms and len(vocab) == len(terms)
    for t in [*terms, "par", "parsed", "zz", "", "ünï", "\x00"]:
        assert (t in vocab) == (t in terms)
        assert vocab.get(t, -1) == terms.get(t, -1)
    with pytest.raises(KeyError):
        vocab["missing"]
    assert list(Vocabulary({})) == [] and "x" not in Vocabulary({})
