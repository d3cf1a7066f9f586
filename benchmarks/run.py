#!/usr/bin/env python3
"""Benchmark packetgen at packet scale against the least work any packet tool must do.

    python benchmarks/run.py                 # full case (generated once into /tmp/packetgen-bench), 3 repeats
    python benchmarks/run.py -n 5            # more repeats
    python benchmarks/run.py --scale 0.05 -n 1 --skip-small   # quick smoke run

In one run it measures, each ``-n`` times (median reported; packetgen and the
baseline runs are interleaved so both see the same machine state):

* **packetgen**: ``packetgen build CASE -o OUT --force -q`` as a subprocess
  (interpreter start included): wall time, peak RSS (``os.wait4`` rusage of
  that child and its children), size of packet.pdf;
* **baseline**: ``img2pdf`` over all the photos (one call), then
  ``qpdf --empty --pages <every evidence PDF> <img2pdf output> -- out.pdf``:
  lossless JPEG pass-through plus a merge, the least work any packet tool must
  do.  Wall time is the sum of both, peak RSS the larger of the two;
* the small sample (``samples/child-surgery/case.json``) build, and the
  start-up of ``packetgen --help`` and ``packetgen check`` on that sample;
* ``python -c pass`` as the interpreter's floor for the start-up numbers.

It prints a table with the targets and writes ``benchmarks/results.json``
(ignored by git; copy it under ``benchmarks/recorded/`` with ``--record`` to
keep a run deliberately).

packetgen is run as ``python -m packetgen`` with this checkout first on
PYTHONPATH, from a scratch folder (so the checkout's own files are not picked
up by accident), unless ``--packetgen`` names another command (e.g. an
installed ``.venv/bin/packetgen``).  Forms: ``--forms-dir`` is always passed so
the user's own forms folder never changes the result; by default it is a
scratch folder holding the official I-131 from ``../shared/uscis-forms`` when
that exists (official form filling), else an empty one (stand-in forms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = REPO / "samples" / "child-surgery" / "case.json"
OFFICIAL_I131 = REPO.parent / "shared" / "uscis-forms" / "i-131_edition-2025-01-20_official.pdf"
DEFAULT_WORK = Path(tempfile.gettempdir()) / "packetgen-bench"
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp", ".gif", ".bmp"}

TARGETS = {   # name: (limit, stretch or None, how it is compared)
    "build_vs_baseline": (2.0, 1.5),
    "peak_rss_mb": (600, None),
    "output_vs_inputs": (1.1, None),
    "small_sample_s": (1.5, None),
}

sys.path.insert(0, str(HERE))


# --------------------------------------------------------------------------- measuring

class Run:
    def __init__(self, cmd, rc, wall, rss_kb, cpu=0.0, stderr_tail=""):
        self.cmd, self.rc, self.wall, self.rss_kb, self.cpu, self.stderr_tail = cmd, rc, wall, rss_kb, cpu, stderr_tail

    @property
    def ok(self) -> bool:
        return self.rc == 0


def measure(cmd: list[str], *, env: Optional[dict] = None, cwd: Optional[Path] = None, timeout: float = 3600) -> Run:
    """Run ``cmd``; wall time and peak RSS of exactly that child (and the children it waited for).

    ``os.wait4`` gives the rusage of this one child, unlike RUSAGE_CHILDREN, which is the maximum over
    every child this process ever reaped (so the baseline's qpdf would leak into packetgen's number).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-3000:].decode("utf-8", "replace")
    return Run(cmd, p.returncode, wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, tail)


def stage_times(cmd: list[str], *, env: Optional[dict] = None, cwd: Optional[Path] = None) -> list[list]:
    """Run a build with progress on (no -q) and time each stage from the progress lines' arrival.

    Returns [[stage, seconds], ...]: 'start-up, load, check, plan' until the first message, then one
    row per kind of message ('evidence 3/73: exhibit C' counts as 'evidence'), the last until exit.
    """
    import re

    cmd = [c for c in cmd if c != "-q"]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         env=env, cwd=cwd, text=True, errors="replace")
    marks: list[tuple[float, str]] = [(0.0, "start-up, load, check, plan")]
    for line in p.stderr:
        msg = line.strip()
        if not msg or msg.startswith(("warning", "NOT FOR FILING", "DRAFT", "(")):
            continue
        key = "evidence" if msg.startswith("evidence") else re.sub(r"\d+", "N", msg)
        if key != marks[-1][1]:
            marks.append((time.perf_counter() - t0, key))
    p.wait()
    end = time.perf_counter() - t0
    out = []
    for (t, key), nxt in zip(marks, marks[1:] + [(end, "")]):
        out.append([key, round(nxt[0] - t, 3)])
    out.append(["(exit code)", p.returncode])
    return out


def loadavg() -> Optional[float]:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def median(xs: list[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


# --------------------------------------------------------------------------- inputs

def ensure_case(case_dir: Path, scale: float, seed: int, regenerate: bool) -> dict:
    """Generate the benchmark case unless ``case_dir`` already holds the same generator/seed/scale."""
    import make_case

    stamp = case_dir / "bench-case.json"
    if stamp.is_file() and not regenerate:
        s = json.loads(stamp.read_text())
        if (s.get("generator_version"), s.get("seed"), s.get("scale")) == (make_case.GENERATOR_VERSION, seed, scale):
            return s
    if case_dir.exists():
        shutil.rmtree(case_dir)
    print(f"generating the benchmark case (scale {scale}, seed {seed}) into {case_dir} ...", file=sys.stderr)
    return make_case.make_case(case_dir, scale=scale, seed=seed, verbose=False)


def evidence_files(case_json: Path) -> list[Path]:
    """Every evidence input in packet order of the case file (documents, then translation, certificate)."""
    case = json.loads(case_json.read_text(encoding="utf-8"))
    out = []
    for e in case.get("evidence", []):
        rels = [e["file"], *e.get("more_files", [])]
        t = e.get("translation") or {}
        rels += [t[k] for k in ("file", "certificate_file") if t.get(k)]
        out += [(case_json.parent / r).resolve() for r in rels]
    return out


def is_image(p: Path) -> bool:
    with open(p, "rb") as f:
        head = f.read(5)
    return head != b"%PDF-" and p.suffix.lower() in IMAGE_EXT


def packet_files(out: Path) -> list[Path]:
    """The packet PDFs a build wrote: packet.pdf (one set), or packet-1-<id>.pdf, packet-2-<id>.pdf, ... (one set
    per beneficiary, as for the sample's two)."""
    return sorted(out.glob("packet.pdf")) + sorted(out.glob("packet-*.pdf"))


def warm_cache(paths: list[Path]) -> None:
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 22):
                pass


# --------------------------------------------------------------------------- commands

def packetgen_cmd(override: Optional[str]) -> tuple[list[str], dict]:
    env = dict(os.environ)
    env.pop("PACKETGEN_FORMS_DIR", None)
    if override:
        return shlex.split(override), env
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return [sys.executable, "-m", "packetgen"], env


def baseline_cmds(inputs: list[Path], work: Path) -> tuple[list[list[str]], Path]:
    """img2pdf over all photos (one process), then one qpdf merge of every PDF plus the photo PDF."""
    img2pdf = shutil.which("img2pdf")
    qpdf = shutil.which("qpdf")
    if not img2pdf or not qpdf:
        raise SystemExit("the baseline needs qpdf and img2pdf: apt-get install qpdf img2pdf (or pip install img2pdf)")
    images = [p for p in inputs if is_image(p)]
    pdfs = [p for p in inputs if not is_image(p)]
    photos_pdf = work / "baseline-photos.pdf"
    out = work / "baseline-out.pdf"
    cmds = []
    if images:
        cmds.append([img2pdf, "--pagesize", "Letter", "-o", str(photos_pdf), *map(str, images)])
    merge = [qpdf, "--empty", "--pages", *map(str, pdfs)]
    if images:
        merge.append(str(photos_pdf))
    merge += ["--", str(out)]
    cmds.append(merge)
    return cmds, out


def forms_dir_for(work: Path, choice: Optional[str]) -> tuple[Path, str]:
    if choice:
        return Path(choice), f"given: {choice}"
    d = work / "forms"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    if OFFICIAL_I131.is_file():
        shutil.copy(OFFICIAL_I131, d / OFFICIAL_I131.name)
        return d, "official I-131 from ../shared/uscis-forms; other forms as stand-ins"
    return d, "empty (every form a generated stand-in)"


# --------------------------------------------------------------------------- report

def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    vers = {"python": platform.python_version()}
    from importlib import metadata

    for dist in ("pikepdf", "pypdf", "reportlab", "Pillow", "pypdfium2", "pydantic", "pillow-heif", "click",
                 "Jinja2"):
        try:
            vers[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            vers[dist] = None
    for tool, args in (("qpdf", ["--version"]), ("img2pdf", ["--version"])):
        try:
            vers[tool] = subprocess.run([tool, *args], capture_output=True, text=True).stdout.splitlines()[0]
        except Exception:
            vers[tool] = None
    try:
        import pikepdf

        vers["libqpdf"] = pikepdf.__libqpdf_version__
    except Exception:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "os": platform.platform(), "versions": vers}


def git_rev() -> Optional[str]:
    """HEAD, with '+dirty' when packetgen's own source differs from it (a shared checkout often does)."""
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "packetgen", "forms",
                                "templates"], capture_output=True, text=True).stdout.strip()
        return (rev + ("+dirty" if dirty else "")) or None
    except Exception:
        return None


def verdict(value: Optional[float], name: str) -> str:
    if value is None:
        return "n/a"
    limit, stretch = TARGETS[name]
    if stretch is not None and value <= stretch:
        return f"PASS (stretch <= {stretch:g})"
    return f"PASS (<= {limit:g})" if value <= limit else f"FAIL (> {limit:g})"


def fmt(v: Optional[float], unit: str = "", nd: int = 2) -> str:
    return "-" if v is None else f"{v:.{nd}f}{unit}"


# --------------------------------------------------------------------------- main

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--repeat", type=int, default=3, help="repeats of each measurement (median reported)")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"scratch folder (default {DEFAULT_WORK})")
    ap.add_argument("--case-dir", type=Path, help="benchmark case folder (default WORK/case-SCALE-SEED)")
    ap.add_argument("--scale", type=float, default=1.0, help="size of the generated case (see make_case.py)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--regenerate", action="store_true", help="regenerate the case even if it is cached")
    ap.add_argument("--packetgen", help="packetgen command (default: python -m packetgen from this checkout)")
    ap.add_argument("--forms-dir", help="forms folder passed to packetgen (default: see above)")
    ap.add_argument("--skip-big", action="store_true", help="skip the packet-scale build and baseline")
    ap.add_argument("--skip-small", action="store_true", help="skip the small-sample and start-up timings")
    ap.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    ap.add_argument("--record", action="store_true",
                    help="also copy the results to benchmarks/recorded/DATE.json (to commit deliberately)")
    a = ap.parse_args(argv)

    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    scratch = work / "cwd"
    scratch.mkdir(exist_ok=True)
    pg, env = packetgen_cmd(a.packetgen)
    forms_dir, forms_note = forms_dir_for(work, a.forms_dir)
    n = max(1, a.repeat)
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "git": git_rev(),
                     "load_before": loadavg(),
                     "machine": machine_info(), "repeat": n, "packetgen_command": pg, "forms": forms_note,
                     "targets": {k: {"limit": v[0], "stretch": v[1]} for k, v in TARGETS.items()}}
    failures: list[str] = []

    # ---------------------------------------------------------------- packet scale
    if not a.skip_big:
        case_dir = a.case_dir or work / f"case-{a.scale:g}-{a.seed}"
        summary = ensure_case(case_dir, a.scale, a.seed, a.regenerate)
        case_json = case_dir / "case.json"
        inputs = evidence_files(case_json)
        in_bytes = sum(p.stat().st_size for p in inputs)
        n_images = sum(1 for p in inputs if is_image(p))
        warm_cache(inputs)
        out_pg = work / "out-big"
        build = [*pg, "build", str(case_json), "-o", str(out_pg), "--force", "-q", "--forms-dir", str(forms_dir)]
        base_cmds, base_out = baseline_cmds(inputs, work)
        pg_runs, base_walls, base_cpus, base_rss = [], [], [], []
        pg_size = base_size = None
        for i in range(n):
            r = measure(build, env=env, cwd=scratch)
            pg_runs.append(r)
            print(f"  [{i + 1}/{n}] packetgen build: {r.wall:.2f} s (cpu {r.cpu:.2f} s), {r.rss_kb / 1024:.0f} MB, "
                  f"rc={r.rc}, load {loadavg()}", file=sys.stderr)
            if not r.ok:
                failures.append(f"packetgen build failed (exit {r.rc}):\n{r.stderr_tail.strip()}")
                break
            pg_size = sum(p.stat().st_size for p in packet_files(out_pg))
            total, cpu, rss = 0.0, 0.0, 0
            for c in base_cmds:
                b = measure(c, cwd=scratch)
                if not b.ok:
                    raise SystemExit(f"baseline failed: {shlex.join(c)}\n{b.stderr_tail}")
                total += b.wall
                cpu += b.cpu
                rss = max(rss, b.rss_kb)
            base_walls.append(total)
            base_cpus.append(cpu)
            base_rss.append(rss)
            base_size = base_out.stat().st_size
            print(f"  [{i + 1}/{n}] baseline:        {total:.2f} s (cpu {cpu:.2f} s), {rss / 1024:.0f} MB",
                  file=sys.stderr)
        if not base_walls:   # packetgen failed at once: still measure the baseline
            for _ in range(n):
                total, cpu, rss = 0.0, 0.0, 0
                for c in base_cmds:
                    b = measure(c, cwd=scratch)
                    total += b.wall
                    cpu += b.cpu
                    rss = max(rss, b.rss_kb)
                base_walls.append(total)
                base_cpus.append(cpu)
                base_rss.append(rss)
            base_size = base_out.stat().st_size if base_out.exists() else None
        ok_runs = [r for r in pg_runs if r.ok]
        stages = stage_times(build, env=env, cwd=scratch) if ok_runs else None
        pg_wall = median([r.wall for r in ok_runs])
        pg_cpu = median([r.cpu for r in ok_runs])
        b_cpu = median(base_cpus)
        pg_rss = max((r.rss_kb for r in ok_runs), default=None)
        b_wall = median(base_walls)
        pages = None
        if ok_runs and packet_files(out_pg):
            import pikepdf

            pages = 0
            for p in packet_files(out_pg):
                with pikepdf.open(p) as pdf:
                    pages += len(pdf.pages)
        results["big"] = {
            "case": str(case_json), "case_summary": {k: v for k, v in summary.items() if k != "photo_megapixels"},
            "inputs": {"files": len(inputs), "images": n_images, "pdfs": len(inputs) - n_images, "bytes": in_bytes},
            "packetgen": {"command": build, "walls_s": [round(r.wall, 3) for r in pg_runs],
                          "wall_s": pg_wall, "cpu_s": pg_cpu, "peak_rss_mb": pg_rss / 1024 if pg_rss else None,
                          "output_bytes": pg_size, "pages": pages,
                          "error": None if all(r.ok for r in pg_runs) else pg_runs[-1].stderr_tail},
            "baseline": {"commands": base_cmds, "walls_s": [round(w, 3) for w in base_walls], "wall_s": b_wall,
                         "cpu_s": b_cpu,
                         "peak_rss_mb": max(base_rss) / 1024 if base_rss else None, "output_bytes": base_size},
            "stages_s": stages,
            "build_vs_baseline": pg_wall / b_wall if pg_wall and b_wall else None,
            "build_vs_baseline_cpu": pg_cpu / b_cpu if pg_cpu and b_cpu else None,
            "peak_rss_mb": pg_rss / 1024 if pg_rss else None,
            "output_vs_inputs": pg_size / in_bytes if pg_size else None,
            "baseline_output_vs_inputs": base_size / in_bytes if base_size else None,
        }

    # ---------------------------------------------------------------- small sample and start-up
    if not a.skip_small:
        small_out = work / "out-small"
        small = [*pg, "build", str(SAMPLE), "-o", str(small_out), "--force", "-q", "--forms-dir", str(forms_dir)]
        check = [*pg, "check", str(SAMPLE)]
        helpc = [*pg, "--help"]
        floor = [sys.executable, "-c", "pass"]
        measure(helpc, env=env, cwd=scratch)       # warm-up: byte-code caches, page cache
        sm = {}
        for name, cmd, ok_codes in (("python_floor", floor, {0}), ("help", helpc, {0}),
                                    ("check", check, {0, 1}), ("small_build", small, {0})):
            runs = [measure(cmd, env=env, cwd=scratch) for _ in range(max(n, 5) if name != "small_build" else n)]
            bad = [r for r in runs if r.rc not in ok_codes]
            if bad:
                failures.append(f"{name} failed (exit {bad[0].rc}): {shlex.join(cmd)}\n{bad[0].stderr_tail.strip()}")
            good = [r for r in runs if r.rc in ok_codes]
            sm[name] = {"command": cmd, "walls_s": [round(r.wall, 3) for r in runs],
                        "wall_s": median([r.wall for r in good]), "cpu_s": median([r.cpu for r in good]),
                        "peak_rss_mb": max((r.rss_kb for r in good), default=0) / 1024 or None,
                        "error": bad[0].stderr_tail if bad else None}
        if sm["small_build"]["wall_s"] is not None:
            sm["small_build"]["stages_s"] = stage_times(small, env=env, cwd=scratch)
        results["small"] = sm
        results["small_sample_s"] = sm["small_build"]["wall_s"]

    # ---------------------------------------------------------------- report
    results["failures"] = failures
    results["load_after"] = loadavg()
    print_table(results)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwrote {a.json}")
    if a.record:
        rec = HERE / "recorded" / f"{dt.date.today().isoformat()}.json"
        rec.parent.mkdir(exist_ok=True)
        shutil.copy(a.json, rec)
        print(f"recorded {rec}")
    for f in failures:
        print("\nFAILED: " + f, file=sys.stderr)
    return 1 if failures else 0


def print_table(r: dict) -> None:
    m = r["machine"]
    print(f"\npacketgen benchmark  {r['date']}  git {r['git']}  ({m['nproc']} cores, {m['cpu']}, "
          f"python {m['versions']['python']})")
    print(f"forms: {r['forms']}; median of {r['repeat']}; load average {r['load_before']} before, "
          f"{r.get('load_after')} after (other work on the machine inflates wall times: compare CPU times)")
    rows = []
    if "big" in r:
        b = r["big"]
        s = b["case_summary"]
        print(f"case: {s['exhibits']} exhibits, {s['evidence_pages']} evidence pages, {s['photos']} photos, "
              f"{b['inputs']['bytes'] / 1e6:.1f} MB of inputs -> packet of {b['packetgen']['pages'] or '?'} pages")
        pgb, bl = b["packetgen"], b["baseline"]
        rows += [
            ("packetgen build (packet scale)", fmt(pgb["wall_s"], " s"),
             f"best {fmt(min(pgb['walls_s'], default=None), ' s')}"),
            ("baseline img2pdf + qpdf", fmt(bl["wall_s"], " s"), f"best {fmt(min(bl['walls_s'], default=None), ' s')}"),
            ("build / baseline wall time", fmt(b["build_vs_baseline"], "x"),
             verdict(b["build_vs_baseline"], "build_vs_baseline")),
            ("build / baseline CPU time", fmt(b["build_vs_baseline_cpu"], "x")
             + f"  ({fmt(pgb['cpu_s'], ' s', 1)} / {fmt(bl['cpu_s'], ' s', 1)})", ""),
            ("peak RSS, packetgen build", fmt(b["peak_rss_mb"], " MB", 0), verdict(b["peak_rss_mb"], "peak_rss_mb")),
            ("peak RSS, baseline", fmt(bl["peak_rss_mb"], " MB", 0), ""),
            ("packet.pdf / inputs size", fmt(b["output_vs_inputs"], "x", 3)
             + (f"  ({pgb['output_bytes'] / 1e6:.1f} MB)" if pgb["output_bytes"] else ""),
             verdict(b["output_vs_inputs"], "output_vs_inputs")),
            ("baseline output / inputs size", fmt(b["baseline_output_vs_inputs"], "x", 3), ""),
        ]
    if "small" in r:
        sm = r["small"]
        rows += [
            ("small sample build (incl. start)", fmt(sm["small_build"]["wall_s"], " s"),
             verdict(sm["small_build"]["wall_s"], "small_sample_s")
             + f"  cpu {fmt(sm['small_build']['cpu_s'], ' s')}"),
            ("packetgen --help", fmt(sm["help"]["wall_s"], " s"), ""),
            ("packetgen check (small sample)", fmt(sm["check"]["wall_s"], " s"), ""),
            ("python -c pass (floor)", fmt(sm["python_floor"]["wall_s"], " s"), ""),
        ]
    w = max(len(x[0]) for x in rows) + 2
    for name, val, v in rows:
        print(f"  {name:<{w}}{val:>22}   {v}")
    for label, stages in (("packet-scale build", r.get("big", {}).get("stages_s")),
                          ("small sample build", r.get("small", {}).get("small_build", {}).get("stages_s"))):
        if stages:
            print(f"\nstages of one {label} (one extra run; each stage named by the progress line that starts it):")
            for key, secs in stages:
                if key != "(exit code)":
                    print(f"  {key:<40}{secs:>8.2f} s")


if __name__ == "__main__":
    sys.exit(main())
