"""Use the second core: independent work of one build runs in worker processes.

What runs beside the main process (which meanwhile normalizes the PDF evidence,
fills the forms and lays out the letter's first pass):

* normalizing photos and other images, the most expensive evidence (decoding
  JPEG data cannot be skipped).  A worker writes its normalized pages to a file
  in a private temporary folder (mode 0700, removed after the build) and the
  main process opens it; pikepdf reads it lazily, so the image data is not
  copied through a pipe.

Workers are forked (Linux): they start in milliseconds with packetgen already
imported.  Where fork is not available, or the machine has one core, everything
runs in the main process, with the same result byte for byte.

Measured on the benchmark case (892 pages, 40 photos, 2 cores): see
benchmarks/README.md.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Iterator, Optional

IMAGE_JOBS_FOR_POOL = 4          # fewer image files than this: not worth a worker
IMAGE_BYTES_FOR_POOL = 8 << 20   # nor for less image data than this (the samples' few small photos)


@contextlib.contextmanager
def worker_pool(max_workers: Optional[int] = None, *, enabled: bool = True) -> Iterator[Optional[Executor]]:
    """A fork-based process pool, or None where it would not help."""
    if not enabled:
        yield None
        return
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpus < 2 or "fork" not in multiprocessing.get_all_start_methods() or os.environ.get("PACKETGEN_NO_WORKERS"):
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=max_workers or min(cpus, 4), mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def looks_like_pdf(path: Path) -> bool:
    """Cheap routing test (the normalizer decides for real, by content)."""
    try:
        with open(path, "rb") as fh:
            return b"%PDF-" in fh.read(1024)
    except OSError:
        return True          # let the main process report the problem


def normalize_to_file(path: Path, password: Optional[str], display_name: str, tmpdir: str, keep_links: bool = False):
    """Normalize one file and save its clean pages to ``tmpdir`` (in a worker, or in the main process).

    The pages leave memory as soon as they are saved: pikepdf copies stream data into memory when it copies
    pages between documents, so a packet assembled from documents held open would keep every input's bytes
    until it is written (issue 16).  The packet is assembled from these files by a qpdf job that reads them
    only while the packet is written (packet/assemble.py).
    """
    import tempfile

    from packetgen.evidence.normalize import normalize

    doc = normalize(path, password=password, display_name=display_name, keep_links=keep_links)
    fd, out = tempfile.mkstemp(suffix=".pdf", dir=tmpdir)
    try:
        with os.fdopen(fd, "wb") as fh:
            # Streams exactly as they are in memory (nothing decoded, nothing compressed): the packet's save then
            # encodes them as it always has, so the packet does not depend on where a file was normalized.
            doc.pdf.save(fh, compress_streams=False, stream_decode_level=_decode_none(),
                         object_stream_mode=_no_object_streams())
        pages = len(doc.pdf.pages)
    finally:
        doc.pdf.close()
    return {"source": str(doc.source), "sha256": doc.sha256, "kind": doc.kind, "warnings": doc.warnings,
            "file": out, "pages": pages}


def _no_object_streams():
    import pikepdf

    return pikepdf.ObjectStreamMode.disable


def _decode_none():
    import pikepdf

    return pikepdf.StreamDecodeLevel.none


def open_normalized(result: dict):
    """Main side: the result as a NormalizedDoc whose pages are in a file (nothing is held open)."""
    from packetgen.evidence.normalize import NormalizedDoc

    return NormalizedDoc(source=Path(result["source"]), sha256=result["sha256"], kind=result["kind"],
                         pdf=None, warnings=list(result["warnings"]), file=Path(result["file"]),
                         pages=int(result["pages"]))
