"""Helpers of the benchmark generators' smoke tests (tests/test_benchmark_*.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def bench_module(name: str):
    """benchmarks/<name>.py as a module (the folder is not a package)."""
    from tests.conftest import load_script

    return load_script(f"benchmarks/{name}.py")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
