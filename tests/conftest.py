"""Shared test fixtures: where the repository, the samples and ../shared are."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"
if not SHARED.is_dir() and (REPO.parent.parent / "shared").is_dir():
    SHARED = REPO.parent.parent / "shared"   # a worktree one level deeper (e.g. /work/wt/NAME next to /work/shared)
OFFICIAL_I131 = SHARED / "uscis-forms" / "i-131_edition-2025-01-20_official.pdf"
CORPUS = SHARED / "evidence-corpus"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (official forms, evidence corpus) not present")
needs_official_i131 = pytest.mark.skipif(not OFFICIAL_I131.is_file(),
                                         reason="official I-131 not present in ../shared/uscis-forms")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) not installed")


def load_script(rel: str):
    """A script of this repository that is not in a package (tools/, benchmarks/) as a module."""
    import importlib.util
    import sys

    path = REPO / rel
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod      # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def sample_cases() -> list[Path]:
    return sorted(SAMPLES.glob("*/case.json"))


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    # Builds are dated from the case file; checks use 'today'. Pin today for stable tests.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796169600")  # 2026-12-02


@pytest.fixture
def official_forms_dir(tmp_path):
    """A forms folder holding the official I-131 from ../shared (never committed)."""
    if not OFFICIAL_I131.is_file():
        pytest.skip("official I-131 not present in ../shared/uscis-forms")
    d = tmp_path / "forms"
    d.mkdir()
    shutil.copy(OFFICIAL_I131, d / OFFICIAL_I131.name)
    return d


@pytest.fixture
def sample_copy(tmp_path):
    """Copy a sample case (with its evidence) into tmp so tests can change it."""
    def _copy(name: str) -> Path:
        dst = tmp_path / name
        shutil.copytree(SAMPLES / name, dst, ignore=shutil.ignore_patterns("out"))
        return dst / "case.json"
    return _copy


def norm(s: str) -> str:
    """Whitespace folded, for comparing extracted text."""
    return " ".join(s.split())


def assert_values_drawn_for_pdfium(filled, label: str = "") -> None:
    """pdfium flattens each page from the form's appearance streams (as a viewer draws them); every text
    value written must then be in the page's text, line by line."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(filled.pdf)
    for pno in sorted({v["page"] for v in filled.values}):
        page = doc[pno - 1]
        assert raw.FPDFPage_Flatten(page.raw, raw.FLAT_NORMALDISPLAY) == raw.FLATTEN_SUCCESS
        page.close()
        text = norm(doc[pno - 1].get_textpage().get_text_range())
        for v in filled.values:
            if v["page"] == pno and v["kind"] in {"text", "combo", "overflow"}:
                for line in v["value"].split("\n"):
                    assert norm(line) in text, (label or filled.title, pno, v["label"], line)


def case_from(path: Path, mutate=None):
    """A sample's Case, optionally changed in its JSON form first (``mutate(data)``), keeping its folder."""
    import json

    from packetgen.case.model import Case

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if mutate:
        mutate(data)
    case = Case.model_validate(data)
    case._source = path
    return case
