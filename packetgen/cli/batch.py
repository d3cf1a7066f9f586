"""Batch builds: several cases in parallel processes, progress per case, a summary table.

Every case runs to the end whatever happens to the others; the exit code is 0
when all succeeded and 10 (``BatchFailed``) when any failed.  Progress lines name
the case file, never the people in it.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import click

from packetgen.errors import BatchFailed, PacketgenError


@dataclass
class CaseOutcome:
    case: str
    ok: bool
    pages: int = 0
    warnings: int = 0
    seconds: float = 0.0
    message: str = ""
    exit_code: int = 0
    packet: Optional[str] = None


def _outdir_for(case: Path, outdir: Optional[Path], index: int, all_cases: list[Path]) -> Optional[Path]:
    if outdir is None:
        return None
    # A subfolder per case, named after its folder (or file stem when the folders repeat).
    names = [c.resolve().parent.name for c in all_cases]
    name = case.resolve().parent.name if names.count(case.resolve().parent.name) == 1 else f"{index + 1:02d}-{case.stem}"
    return outdir / name


def _build_one(case: str, kwargs: dict) -> CaseOutcome:
    from packetgen import api

    t0 = time.perf_counter()
    try:
        r = api.build(case, **kwargs)
        return CaseOutcome(case, True, r.pages, len(r.warnings), time.perf_counter() - t0, packet=str(r.packet))
    except PacketgenError as exc:
        first = exc.message.splitlines()[0].removeprefix(f"{case}: ")
        if exc.details:
            first += f" ({exc.details[0]}" + (f"; +{len(exc.details) - 1} more" if len(exc.details) > 1 else "") + ")"
        return CaseOutcome(case, False, seconds=time.perf_counter() - t0, message=first, exit_code=exc.exit_code)
    except Exception as exc:  # a bug in one case must not stop the others
        return CaseOutcome(case, False, seconds=time.perf_counter() - t0,
                           message=f"internal error ({type(exc).__name__}); rerun this case alone with --debug",
                           exit_code=70)


def run_batch(cases: list[Path], *, outdir: Optional[Path], jobs: int, quiet: bool, **kwargs) -> int:
    t0 = time.perf_counter()
    outcomes: list[CaseOutcome] = []
    n = len(cases)
    echo = (lambda s: None) if quiet else (lambda s: click.echo(s, err=True))
    echo(f"building {n} cases with {jobs} parallel job{'s' if jobs != 1 else ''}")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for i, c in enumerate(cases):
            kw = dict(kwargs, outdir=_outdir_for(c, outdir, i, cases))
            futures[pool.submit(_build_one, str(c), kw)] = c
            echo(f"  [queued]  {c}")
        for done, fut in enumerate(as_completed(futures), 1):
            o = fut.result()
            outcomes.append(o)
            state = click.style("ok", fg="green") if o.ok else click.style("FAILED", fg="red")
            echo(f"  [{done}/{n}] {state}  {o.case}  ({o.seconds:.1f} s)" + (f": {o.message}" if o.message else ""))
    order = {str(c): i for i, c in enumerate(cases)}
    outcomes.sort(key=lambda o: order[o.case])
    click.echo(summary_table(outcomes, time.perf_counter() - t0))
    _mark_stale_previews(outcomes, echo)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise BatchFailed(f"{len(failed)} of {n} cases failed; the other {n - len(failed)} were built",
                          details=[f"{o.case}: {o.message} (exit {o.exit_code})" for o in failed],
                          fix="build each failed case alone to see its full message")
    return 0


def _mark_stale_previews(outcomes: list[CaseOutcome], echo) -> None:
    """A preview beside a rebuilt packet that changed gets the OUT OF DATE banner (review/stale.py)."""
    import json

    from packetgen.review.stale import mark_if_stale

    for o in outcomes:
        if not (o.ok and o.packet):
            continue
        packet = Path(o.packet)
        try:
            sha = json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8"))["output"]["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        folder = mark_if_stale(packet, sha)
        if folder is not None:
            echo(f"  preview {folder} shows the previous build (marked OUT OF DATE)")


def summary_table(outcomes: list[CaseOutcome], total_seconds: float) -> str:
    width = max([len("case")] + [len(o.case) for o in outcomes])
    lines = [f"{'case':<{width}}  {'pages':>5}  {'warnings':>8}  {'result':<8}  {'time':>7}"]
    lines.append("-" * len(lines[0]))
    for o in outcomes:
        lines.append(f"{o.case:<{width}}  {o.pages if o.ok else '-':>5}  {o.warnings if o.ok else '-':>8}  "
                     f"{'ok' if o.ok else 'FAILED':<8}  {o.seconds:>6.1f}s")
    ok = sum(o.ok for o in outcomes)
    lines.append(f"{ok} of {len(outcomes)} built in {total_seconds:.1f} s")
    return "\n".join(lines)
