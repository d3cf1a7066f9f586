#!/usr/bin/env python3
"""Benchmark packetgen against the baseline at several evidence sizes (issue 16): CPU, wall, peak RSS, output.

    python benchmarks/sizes.py                          # 100, 400, 1600 and 3200 evidence pages, seed 1
    python benchmarks/sizes.py --sizes 100,400 -n 3     # the small ones, 3 runs each
    python benchmarks/sizes.py --sizes 3200 --record    # keep the run in benchmarks/recorded/

For each size it generates a case with ``make_mix.py`` once (cached in
``/tmp/packetgen-mix/<pages>-<seed>/``; regenerated when the generator
changes or with ``--regenerate``), reads every input once so both sides start
with a warm page cache, then runs packetgen and the baseline alternately
``-n`` times (default 3 up to 400 pages, 1 above).  Medians are reported;
peak RSS is the largest over the runs.

* **packetgen**: exactly ``run.py``'s command: ``python -m packetgen build
  CASE -o OUT --force -q --forms-dir FORMS`` from a scratch folder with this
  checkout first on PYTHONPATH (or ``--packetgen CMD``), the same forms folder
  (``run.forms_dir_for``).  No ``--draft``: the generated case has no check
  errors except that forms without an installed official PDF are stand-ins,
  which makes the build a draft by itself.  The sample's two beneficiaries
  (Ana accompanies Mateo) make **two sets**, and every exhibit goes into
  both; the output is the sum of the ``packet-*.pdf`` files, and the table
  shows the packet pages next to the evidence pages.  ``--combined`` builds one
  set instead (each evidence page once, as in the baseline).
* **baseline**, each step its own process, CPU time summed, peak RSS the
  largest step: (1) ``heic2jpeg.py``: every HEIC photo decoded with
  pillow_heif and written as a JPEG (quality 90), the same work packetgen does
  for them, since img2pdf cannot read HEIC; (2) ``img2pdf --pagesize Letter``
  over every JPEG and PNG and those JPEGs (one call); (3) ``qpdf --empty
  --pages <every evidence PDF> <img2pdf output> -- out.pdf``.  PDFs encrypted
  with an empty user password go to qpdf as they are (qpdf opens them with
  the empty password).
* CPU time is user + system of each child from ``os.wait4`` (``run.measure``),
  so the two sides never mix.  A child's peak RSS starts at this runner's own
  RSS (Linux carries the forking process's high-water mark over ``exec``),
  so the cases are generated in a child process and pages are counted with
  ``qpdf --show-npages``: the runner stays at ~20 MB (``runner_rss_mb``).  The load average is recorded before and after
  each size: on a shared machine compare CPU times, not wall times.

Writes ``benchmarks/results-sizes.json`` (git-ignored); ``--record`` copies it
to ``benchmarks/recorded/sizes-DATE.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (measure, packetgen_cmd, forms_dir_for, evidence_files, warm_cache, ...)

DEFAULT_ROOT = Path(tempfile.gettempdir()) / "packetgen-mix"
DEFAULT_SIZES = (100, 400, 1600, 3200)
HEIC_EXT = {".heic", ".heif"}


# --------------------------------------------------------------------------- inputs

def case_dir_for(root: Path, pages: int, seed: int) -> Path:
    return root / f"{pages}-{seed}"


def ensure_mix(case_dir: Path, pages: int, seed: int, *, regenerate: bool = False, jobs: int = 1) -> dict:
    """Generate the mix case unless ``case_dir`` already holds the same generator version, seed and size."""
    import make_mix

    stamp = case_dir / "mix-case.json"
    if stamp.is_file() and (case_dir / "case.json").is_file() and not regenerate:
        s = json.loads(stamp.read_text())
        if (s.get("generator_version"), s.get("seed"), s.get("target_pages"), s.get("image_scale")) == \
                (make_mix.GENERATOR_VERSION, seed, pages, 1.0):
            return s
    if case_dir.exists():
        shutil.rmtree(case_dir)
    print(f"generating the {pages}-page mix (seed {seed}) into {case_dir} ...", file=sys.stderr)
    # In a child process: the generator grows to a few hundred MB, and a child's ru_maxrss starts at the
    # RSS of the process it was forked (or vforked) from, so this process must stay small.
    subprocess.run([sys.executable, str(HERE / "make_mix.py"), "--out", str(case_dir), "--pages", str(pages),
                    "--seed", str(seed), "-j", str(jobs), "-q"], check=True, stdout=sys.stderr)
    return json.loads(stamp.read_text())


def pdf_pages(paths: list[Path]) -> Optional[int]:
    """Pages of these PDFs, counted by ``qpdf --show-npages`` (not pikepdf: this process stays small)."""
    try:
        return sum(int(subprocess.run([tool("qpdf"), "--show-npages", str(p)], capture_output=True, text=True,
                                      check=True).stdout) for p in paths)
    except (subprocess.CalledProcessError, ValueError):
        return None


def self_rss_mb() -> float:
    """This process's peak RSS: the floor of every child's ru_maxrss (see ensure_mix)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tool(name: str) -> str:
    """A command on PATH, else beside this interpreter (a virtualenv's img2pdf)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"the baseline needs {name}: apt-get install qpdf img2pdf (or pip install img2pdf)")
    return found


def baseline_steps(inputs: list[Path], work: Path) -> tuple[list[tuple[str, list[str]]], Path]:
    """[(step name, command)]: HEIC to JPEG, img2pdf over all photos, one qpdf merge; and the output path."""
    import heic2jpeg

    images = [p for p in inputs if run.is_image(p)]
    pdfs = [p for p in inputs if not run.is_image(p)]
    heics = [p for p in images if p.suffix.lower() in HEIC_EXT]
    heic_dir = work / "baseline-heic"
    converted = {p: heic_dir / heic2jpeg.out_name(i, p) for i, p in enumerate(heics)}
    photos_pdf = work / "baseline-photos.pdf"
    out = work / "baseline-out.pdf"
    steps = []
    if heics:
        steps.append(("heic2jpeg", [sys.executable, str(HERE / "heic2jpeg.py"), str(heic_dir), *map(str, heics)]))
    if images:
        steps.append(("img2pdf", [tool("img2pdf"), "--pagesize", "Letter", "-o", str(photos_pdf),
                                  *(str(converted.get(p, p)) for p in images)]))
    merge = [tool("qpdf"), "--empty", "--pages", *map(str, pdfs)] + ([str(photos_pdf)] if images else [])
    steps.append(("qpdf", merge + ["--", str(out)]))
    return steps, out


# --------------------------------------------------------------------------- one size

def run_size(pages: int, a, pg: list[str], env: dict, forms_dir: Path, scratch: Path) -> dict:
    case_dir = case_dir_for(a.root, pages, a.seed)
    summary = ensure_mix(case_dir, pages, a.seed, regenerate=a.regenerate, jobs=a.jobs)
    case_json = case_dir / "case.json"
    inputs = run.evidence_files(case_json)
    in_bytes = sum(p.stat().st_size for p in inputs)
    images = [p for p in inputs if run.is_image(p)]
    work = a.work / f"{pages}-{a.seed}"
    work.mkdir(parents=True, exist_ok=True)
    out_pg = work / "out"
    build = [*pg, "build", str(case_json), "-o", str(out_pg), "--force", "-q", "--forms-dir", str(forms_dir)]
    if a.combined:
        build.append("--combined")
    if a.draft:
        build.append("--draft")
    steps, base_out = baseline_steps(inputs, work)
    n = a.repeat or (3 if pages <= 400 else 1)

    run.warm_cache(inputs)
    load_before = run.loadavg()
    pg_runs, base_runs, error = [], [], None
    for i in range(n):
        r = run.measure(build, env=env, cwd=scratch)
        pg_runs.append(r)
        print(f"  {pages} pages [{i + 1}/{n}] packetgen: cpu {r.cpu:.2f} s, wall {r.wall:.2f} s, "
              f"{r.rss_kb / 1024:.0f} MB, rc={r.rc}, load {run.loadavg()}", file=sys.stderr)
        if not r.ok and error is None:
            error = r.stderr_tail.strip()
        one = {}
        for name, cmd in steps:
            b = run.measure(cmd, cwd=scratch)
            if not b.ok:
                raise SystemExit(f"baseline step {name} failed (exit {b.rc}): {shlex.join(cmd)}\n{b.stderr_tail}")
            one[name] = {"cpu_s": round(b.cpu, 3), "wall_s": round(b.wall, 3), "peak_rss_mb": round(b.rss_kb / 1024, 1)}
        base_runs.append(one)
        print(f"  {pages} pages [{i + 1}/{n}] baseline:  cpu {sum(s['cpu_s'] for s in one.values()):.2f} s, "
              f"wall {sum(s['wall_s'] for s in one.values()):.2f} s, "
              f"{max(s['peak_rss_mb'] for s in one.values()):.0f} MB  "
              + ", ".join(f"{k} {v['cpu_s']:.2f} s" for k, v in one.items()), file=sys.stderr)
    load_after = run.loadavg()

    ok = [r for r in pg_runs if r.ok]
    outs = run.packet_files(out_pg) if ok else []
    pg_cpu = run.median([r.cpu for r in ok])
    pg_wall = run.median([r.wall for r in ok])
    b_cpu = run.median([sum(s["cpu_s"] for s in one.values()) for one in base_runs])
    b_wall = run.median([sum(s["wall_s"] for s in one.values()) for one in base_runs])
    b_rss = max(s["peak_rss_mb"] for one in base_runs for s in one.values())
    pg_out = sum(p.stat().st_size for p in outs) if outs else None
    b_out = base_out.stat().st_size if base_out.exists() else None
    cs = {k: v for k, v in summary.items() if k not in ("seconds", "jobs")}
    return {
        "pages": pages, "case": str(case_json), "case_summary": cs,
        "generation_s": summary.get("seconds"),
        "inputs": {"files": len(inputs), "images": len(images),
                   "heic": sum(1 for p in images if p.suffix.lower() in HEIC_EXT),
                   "pdfs": len(inputs) - len(images), "bytes": in_bytes, "evidence_pages": summary["evidence_pages"]},
        "load_before": load_before, "load_after": load_after, "repeat": n, "runner_rss_mb": round(self_rss_mb(), 1),
        "packetgen": {"command": build, "cpus_s": [round(r.cpu, 3) for r in pg_runs],
                      "walls_s": [round(r.wall, 3) for r in pg_runs], "cpu_s": pg_cpu, "wall_s": pg_wall,
                      "peak_rss_mb": max((r.rss_kb for r in ok), default=0) / 1024 or None,
                      "output_bytes": pg_out, "packet_files": [p.name for p in outs],
                      "packet_pages": pdf_pages(outs) if outs else None, "error": error},
        "baseline": {"steps": {name: cmd for name, cmd in steps}, "runs": base_runs, "cpu_s": b_cpu,
                     "wall_s": b_wall, "peak_rss_mb": b_rss, "output_bytes": b_out,
                     "pages": pdf_pages([base_out]) if b_out else None},
        "cpu_ratio": pg_cpu / b_cpu if pg_cpu and b_cpu else None,
        "wall_ratio": pg_wall / b_wall if pg_wall and b_wall else None,
    }


# --------------------------------------------------------------------------- report

def print_table(res: dict) -> None:
    m = res["machine"]
    print(f"\npacketgen sized benchmark  {res['date']}  git {res['git']}  ({m['nproc']} cores, {m['cpu']}, "
          f"python {m['versions']['python']})")
    print(f"forms: {res['forms']}; packetgen: {shlex.join(res['packetgen_command'])} build ..."
          + (" --combined" if res.get("combined") else "") + (" --draft" if res.get("draft") else ""))
    floor = max((s.get("runner_rss_mb") or 0 for s in res["sizes"]), default=0)
    print("CPU = user + system (os.wait4 of each child); medians of n runs; RSS = largest over the runs "
          f"(baseline: over its steps; no child reads below this runner's own {floor:.0f} MB)\n")
    head = ("evidence pages", "inputs", "packet pages", "n", "CPU pg", "CPU base", "CPU ratio", "wall pg",
            "wall base", "wall ratio", "RSS pg / base", "output pg / base", "load")
    rows = []
    for s in res["sizes"]:
        p, b, i = s["packetgen"], s["baseline"], s["inputs"]
        f = run.fmt
        rows.append((
            f"{i['evidence_pages']:,} ({i['files']} files)", f"{i['bytes'] / 1e6:,.0f} MB",
            f"{p['packet_pages']:,}" if p["packet_pages"] else "-", str(s["repeat"]),
            f(p["cpu_s"], " s"), f(b["cpu_s"], " s"), f(s["cpu_ratio"], "x"),
            f(p["wall_s"], " s"), f(b["wall_s"], " s"), f(s["wall_ratio"], "x"),
            f"{f(p['peak_rss_mb'], '', 0)} / {f(b['peak_rss_mb'], '', 0)} MB",
            f"{(p['output_bytes'] or 0) / 1e6:,.0f} / {(b['output_bytes'] or 0) / 1e6:,.0f} MB",
            f"{s['load_before']} -> {s['load_after']}"))
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    print("\nbaseline CPU by step (median run): " + "; ".join(
        f"{s['pages']}: " + ", ".join(f"{k} {v['cpu_s']:.2f} s" for k, v in
                                      sorted(s["baseline"]["runs"], key=lambda one: sum(
                                          x["cpu_s"] for x in one.values()))[len(s["baseline"]["runs"]) // 2].items())
        for s in res["sizes"]))
    for s in res["sizes"]:
        if s["packetgen"]["error"]:
            print(f"\nFAILED at {s['pages']} pages: packetgen build:\n{s['packetgen']['error']}")


# --------------------------------------------------------------------------- main

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                    help="evidence pages, comma-separated (default %(default)s)")
    ap.add_argument("-n", "--repeat", type=int, help="runs of each side per size (default 3 up to 400 pages, else 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT, help=f"where cases are cached (default {DEFAULT_ROOT})")
    ap.add_argument("--work", type=Path, default=DEFAULT_ROOT / "work", help="scratch folder for outputs")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the cases even if cached")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="processes for generating a case (not for measuring)")
    ap.add_argument("--packetgen", help="packetgen command (default: python -m packetgen from this checkout)")
    ap.add_argument("--forms-dir", help="forms folder passed to packetgen (default: as run.py)")
    ap.add_argument("--combined", action="store_true", help="build one set (--combined) instead of one per beneficiary")
    ap.add_argument("--draft", action="store_true", help="pass --draft to packetgen build (not needed by default)")
    ap.add_argument("--generate-only", action="store_true", help="only generate (or check the cache of) the cases")
    ap.add_argument("--json", type=Path, default=HERE / "results-sizes.json", help="where to write the results")
    ap.add_argument("--record", action="store_true",
                    help="also copy the results to benchmarks/recorded/sizes-DATE.json (to commit deliberately)")
    a = ap.parse_args(argv)
    try:
        sizes = [int(x) for x in a.sizes.split(",") if x.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated integers, e.g. 100,400")

    if a.generate_only:
        for pages in sizes:
            s = ensure_mix(case_dir_for(a.root, pages, a.seed), pages, a.seed, regenerate=a.regenerate, jobs=a.jobs)
            print(f"{case_dir_for(a.root, pages, a.seed)}: {s['evidence_pages']} pages, {s['files']} files, "
                  f"{s['mb']} MB (generated in {s['seconds']} s)")
        return 0

    a.work.mkdir(parents=True, exist_ok=True)
    scratch = a.work / "cwd"
    scratch.mkdir(exist_ok=True)
    pg, env = run.packetgen_cmd(a.packetgen)
    forms_dir, forms_note = run.forms_dir_for(a.work, a.forms_dir)
    res: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "git": run.git_rev(),
                 "machine": None, "packetgen_command": pg, "forms": forms_note,
                 "combined": a.combined, "draft": a.draft, "seed": a.seed, "sizes": []}
    for pages in sizes:
        res["sizes"].append(run_size(pages, a, pg, env, forms_dir, scratch))
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=2, default=str) + "\n")      # partial results survive a crash
    res["machine"] = run.machine_info()      # imports pikepdf: only after the last measurement (see ensure_mix)
    a.json.write_text(json.dumps(res, indent=2, default=str) + "\n")
    print_table(res)
    print(f"\nwrote {a.json}")
    if a.record:
        rec = HERE / "recorded" / f"sizes-{dt.date.today().isoformat()}.json"
        rec.parent.mkdir(exist_ok=True)
        shutil.copy(a.json, rec)
        print(f"recorded {rec}")
    return 1 if any(s["packetgen"]["error"] for s in res["sizes"]) else 0


if __name__ == "__main__":
    sys.exit(main())
