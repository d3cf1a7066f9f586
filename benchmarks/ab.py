#!/usr/bin/env python3
"""Alternate two commands N times and report the median CPU (user + system, ``os.wait4``) and wall time of each.

    python benchmarks/ab.py -n 15 --a ".venv-old/bin/python -m packetgen" --b ".venv/bin/python -m packetgen" \\
        -- build samples/child-surgery/case.json -o /tmp/ab-out --force -q

The arguments after ``--`` are appended to both commands.  Runs alternate (A, B, A, B...), so a machine whose
speed drifts (this VM's does, by up to 25 % within minutes) shows the drift in both columns, not as a difference.
Used for the small-sample comparison in benchmarks/README.md ("Sized runs, second round").
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(cmd: list[str]) -> tuple[float, float, int]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - t, os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=9, help="runs of each command (default 9)")
    ap.add_argument("--a", required=True, help="command A (split like a shell would)")
    ap.add_argument("--b", required=True, help="command B")
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="-- then arguments for both")
    a = ap.parse_args(argv)
    rest = a.rest[1:] if a.rest[:1] == ["--"] else a.rest
    cmds = {"A": shlex.split(a.a) + rest, "B": shlex.split(a.b) + rest}
    results: dict[str, list[tuple[float, float, int]]] = {"A": [], "B": []}
    for _ in range(a.n):
        for k, cmd in cmds.items():
            results[k].append(run(cmd))
    for k, rs in results.items():
        bad = [r[2] for r in rs if r[2] != 0]
        cpu, wall = [r[0] for r in rs], [r[1] for r in rs]
        print(f"{k}: cpu median {statistics.median(cpu):.3f} s (min {min(cpu):.3f}), wall median "
              f"{statistics.median(wall):.3f} s" + (f"; {len(bad)} run(s) failed, exit {bad[0]}" if bad else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
