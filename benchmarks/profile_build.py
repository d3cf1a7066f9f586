#!/usr/bin/env python3
"""Profile ``packetgen build`` on the benchmark case and print the hot spots.

    python benchmarks/profile_build.py                      # cProfile of the whole CLI build
    python benchmarks/profile_build.py --stage evidence     # only evidence normalization + assembly
    python benchmarks/profile_build.py --top 40 --prof /tmp/prof.out
    python benchmarks/profile_build.py --profiler pyinstrument   # sampling: low overhead (pip install pyinstrument)

The whole-build mode profiles ``packetgen.api.build(CASE, outdir=OUT, forms_dir=FORMS, force=True)``
in a child process started from a scratch folder with this checkout on PYTHONPATH (what ``packetgen
build CASE -o OUT --force -q --forms-dir FORMS`` runs, without the CLI's fast exit).  ``--stage
evidence`` runs in-process: ``packetgen.evidence.normalize.normalize`` on every evidence
file of the case, then ``packetgen.packet.assemble.assemble`` on the normalized
documents (no letter, no forms): useful while the other stages are missing, and
to see the evidence path without the rest.

cProfile's per-call overhead inflates pure-Python code with many small calls
(pypdf's parser, reportlab's TrueType reader) several times over relative to C
code (Pillow, qpdf); ``--profiler pyinstrument`` samples the stack instead, so
its proportions are close to an unprofiled run.  It also writes the call tree
as text beside PROF (PROF.txt).

The report lists the functions with the largest cumulative time (packetgen's
own and the libraries'), then the largest self time.  Open PROF later with
``python -m pstats PROF`` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))


def evidence_stage(case_json: Path) -> None:
    sys.path.insert(0, str(REPO))
    import datetime as dt
    import tempfile

    from packetgen.api import resolve_evidence_path
    from packetgen.case.load import load_case
    from packetgen.evidence.workers import normalize_to_file
    from packetgen.packet.assemble import Part, assemble, part_file
    from packetgen.packet.pages import separator_page
    from packetgen.packet.plan import plan_packet

    case = load_case(case_json)
    plan = plan_packet(case)
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for px in plan.exhibits:
            ev = px.evidence
            parts.append(Part(part_file(tmp, separator_page(px.letter, ev.title, ev.shows)), 1, f"Exhibit {px.letter}"))
            rels = [ev.file, *ev.more_files] + ([ev.translation.file] if ev.translation else [])
            for rel in rels:
                r = normalize_to_file(resolve_evidence_path(case, rel, what=ev.id), None, rel, tmp)
                parts.append(Part(Path(r["file"]), r["pages"], f"Exhibit {px.letter}"))
        t1 = time.perf_counter()
        packet = assemble(parts, case_name=case.case_name, outline=[], links=[], title="benchmark",
                          date=dt.date(2026, 12, 4))
        with open(os.path.join(tmp, "packet.pdf"), "wb") as fh:
            from packetgen.packet.assemble import save_packet

            _, size = save_packet(packet, fh, b"\0" * 16)
        t2 = time.perf_counter()
    print(f"normalize: {t1 - t0:.2f} s, assemble and save: {t2 - t1:.2f} s, {size / 1e6:.1f} MB", file=sys.stderr)


def report(prof: Path, top: int) -> str:
    out = io.StringIO()
    st = pstats.Stats(str(prof), stream=out)
    st.strip_dirs()
    total = max(v[3] for v in st.stats.values())
    print(f"total {total:.2f} s (cumulative of the outermost call)\n", file=out)
    print("== by cumulative time", file=out)
    st.sort_stats("cumulative").print_stats(top)
    print("== by self time", file=out)
    st.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv=None) -> int:
    import run  # benchmarks/run.py: case generation, forms folder, packetgen command

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", type=Path, help="case.json (default: the generated benchmark case)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=run.DEFAULT_WORK)
    ap.add_argument("--prof", type=Path, default=Path("/tmp/packetgen-build.prof"))
    ap.add_argument("--stage", choices=["build", "evidence"], default="build")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--profiler", choices=["cprofile", "pyinstrument"], default="cprofile")
    a = ap.parse_args(argv)

    if a.case:
        case_json = a.case.resolve()
    else:
        case_dir = a.work / f"case-{a.scale:g}-{a.seed}"
        run.ensure_case(case_dir, a.scale, a.seed, regenerate=False)
        case_json = case_dir / "case.json"
    if a.stage == "evidence":
        pr = cProfile.Profile()
        pr.enable()
        evidence_stage(case_json)
        pr.disable()
        pr.dump_stats(str(a.prof))
    else:
        pg, env = run.packetgen_cmd(None)
        forms_dir, note = run.forms_dir_for(a.work, None)
        scratch = a.work / "cwd"
        scratch.mkdir(parents=True, exist_ok=True)
        # In-process api.build, not the CLI: the CLI leaves with os._exit once its output is written (no
        # interpreter teardown), before a profiler could write its report.
        code = ("import sys; from pathlib import Path; from packetgen import api; "
                "api.build(Path(sys.argv[1]), outdir=Path(sys.argv[2]), forms_dir=Path(sys.argv[3]), force=True)")
        script = scratch / "build_once.py"
        script.write_text(code + "\n", encoding="utf-8")
        build = [str(script), str(case_json), str(a.work / "out-prof"), str(forms_dir)]
        session = a.prof.with_suffix(".pyisession")
        if a.profiler == "pyinstrument":
            cmd = [sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session), *build]
        else:
            cmd = [sys.executable, "-m", "cProfile", "-o", str(a.prof), *build]
        t0 = time.perf_counter()
        r = subprocess.run(cmd, env=env, cwd=scratch)
        if a.profiler == "pyinstrument" and r.returncode == 0:
            pyi = [sys.executable, "-m", "pyinstrument", "--load", str(session)]
            subprocess.run([*pyi, "-r", "pstats", "-o", str(a.prof)], check=True)
            subprocess.run([*pyi, "-r", "text", "--no-color", "--unicode", "-o", str(a.prof) + ".txt"], check=True)
        print(f"{' '.join(cmd)}\n  exit {r.returncode} in {time.perf_counter() - t0:.1f} s (forms: {note})",
              file=sys.stderr)
        if r.returncode != 0 or not a.prof.exists():
            return r.returncode or 1
    print(report(a.prof, a.top))
    print(f"profile: {a.prof}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
