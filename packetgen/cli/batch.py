"""Batch builds: several cases in parallel processes, progress per case, a summary table.

Every case runs to the end whatever happens to the others; the exit code is 0
when all succeeded and 10 (``BatchFailed``) when any failed.  Progress lines name
the case file, never the people in it.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import click

from packetgen.errors import BatchFailed, OutputError, PacketgenError


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


def _folder_key(folder: Path) -> str:
    """The folder as the file system sees it: links resolved (existing parts), '..' removed."""
    return os.path.normcase(os.path.realpath(folder))


def check_distinct_outdirs(cases: list[Path], outdirs: list[Optional[Path]]) -> None:
    """Refuse, before anything is built, two cases that would write into one output folder.

    Without -o each case writes to 'out' beside its case file, so two case files in one folder collide.
    """
    seen: dict[str, Path] = {}
    clashes: list[str] = []
    for case, out in zip(cases, outdirs):
        folder = out if out is not None else case.parent / "out"
        key = _folder_key(folder)
        if key in seen:
            clashes.append(f"{seen[key]} and {case} would both be written to {folder}")
        else:
            seen[key] = case
    if clashes:
        raise OutputError(
            f"{len(clashes)} pair{'s' if len(clashes) != 1 else ''} of cases would write into the same output "
            "folder, one replacing the other; nothing was built",
            details=clashes,
            fix="give each case file its own folder (without -o each case writes to 'out' beside its case file), "
                "or build them one at a time with different -o folders")


def _build_one(case: str, kwargs: dict, verbose: int = 0) -> CaseOutcome:
    from packetgen import api, interrupts

    t0 = time.perf_counter()
    interrupts.install()          # while building: a signal removes this case's temporaries, then stops
    try:
        r = api.build(case, **kwargs)
        return CaseOutcome(case, True, r.pages, len(r.warnings), time.perf_counter() - t0, packet=str(r.packet))
    except PacketgenError as exc:
        from packetgen.privacy import cleaner

        first = exc.message.splitlines()[0].removeprefix(f"{case}: ")
        if exc.details:
            first += f" ({exc.details[0]}" + (f"; +{len(exc.details) - 1} more" if len(exc.details) > 1 else "") + ")"
        first = cleaner(case, verbose)(first)      # printed in the progress lines and the summary
        return CaseOutcome(case, False, seconds=time.perf_counter() - t0, message=first, exit_code=exc.exit_code)
    except interrupts.Interrupted as exc:
        # This case's temporaries are removed by now. Leave at once: the parent stops the batch, and a
        # worker that went back to the queue could wait for ever on a lock a killed sibling held.
        os._exit(exc.exit_code)
    except Exception as exc:  # a bug in one case must not stop the others
        interrupts.check()    # unless the "bug" is a stop that a library turned into another exception
        return CaseOutcome(case, False, seconds=time.perf_counter() - t0,
                           message=f"internal error ({type(exc).__name__}); rerun this case alone with --debug",
                           exit_code=70)
    finally:
        interrupts.exit_quietly()


def run_batch(cases: list[Path], *, outdir: Optional[Path], jobs: int, quiet: bool, verbose: int = 0, **kwargs) -> int:
    t0 = time.perf_counter()
    outcomes: list[CaseOutcome] = []
    n = len(cases)
    echo = (lambda s: None) if quiet else (lambda s: click.echo(s, err=True))
    outdirs = [_outdir_for(c, outdir, i, cases) for i, c in enumerate(cases)]
    check_distinct_outdirs(cases, outdirs)
    echo(f"building {n} cases with {jobs} parallel job{'s' if jobs != 1 else ''}")
    from packetgen import interrupts

    # Each worker stops on SIGTERM/SIGHUP/SIGINT like a single build: its temporaries removed.
    with ProcessPoolExecutor(max_workers=jobs, initializer=interrupts.exit_quietly) as pool:
        futures = {}
        try:
            for i, c in enumerate(cases):
                kw = dict(kwargs, outdir=outdirs[i])
                futures[pool.submit(_build_one, str(c), kw, verbose)] = c
                echo(f"  [queued]  {c}")
            for done, fut in enumerate(as_completed(futures), 1):
                o = fut.result()
                outcomes.append(o)
                state = click.style("ok", fg="green") if o.ok else click.style("FAILED", fg="red")
                echo(f"  [{done}/{n}] {state}  {o.case}  ({o.seconds:.1f} s)" + (f": {o.message}" if o.message else ""))
        except interrupts.Interrupted as exc:
            _stop_workers(pool, exc.signum)
            built = [o.case for o in outcomes if o.ok]
            exc.message = (f"interrupted; {len(built)} of {n} cases had been built ({', '.join(built)}); "
                           "the others were not written" if built else "interrupted; nothing was written")
            raise
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


def _stop_workers(pool, signum: int) -> None:
    """Pass the signal on to the workers (each removes its temporaries) and drop the queued cases."""
    procs = list((getattr(pool, "_processes", None) or {}).values())   # no public API for the worker processes
    for p in procs:
        try:
            os.kill(p.pid, signum)
        except OSError:
            pass
    deadline = time.monotonic() + 30          # each worker removes its temporaries, then exits
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)
def _mark_stale_previews(outcomes: list[CaseOutcome], echo) -> None:
    """A preview beside a rebuilt packet that changed gets the OUT OF DATE banner (review/stale.py)."""
    import json

    from packetgen.review.stale import mark_if_stale, packet_hash

    for o in outcomes:
        if not (o.ok and o.packet):
            continue
        packet = Path(o.packet)
        try:
            sha = packet_hash(json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if sha is None:
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
