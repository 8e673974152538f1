#!/usr/bin/env python3
"""Interleaved comparison of connector builds: which one costs less CPU per document.

On a shared VM the CPU time of one sync varies by ±25 % from run to run and from hour to hour,
so two builds measured one after the other compare the hours more than the builds. This runs
them in turns against the same simulators, started once: round 1 runs A then B, round 2 B then
A, and so on, each sync into a fresh index. It prints, per build, the median CPU µs per
document (user + sys of the connector process alone, from wait4), its user and system parts and
the peak RSS, and how many rounds each later build beat the first in.

    python3 bench/compare.py OLD NEW                       # large, Elasticsearch sink, 8 rounds
    python3 bench/compare.py --sink local --rounds 12 OLD NEW
    python3 bench/compare.py --size medium A B C

Each build is a `gitlab-connector` binary or a directory holding one. The simulators come from
`--sim-dir` (default: the first build's directory, else target/release).
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, peak_rss_mb, run_measured, start_es_sim, start_gitlab_sim, stop, sync_command  # noqa: E402  (the harness's)


def connector(path):
    """The `gitlab-connector` binary a build argument names."""
    path = Path(path)
    binary = path / "gitlab-connector" if path.is_dir() else path
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: not an executable gitlab-connector")
    return binary


def sync_once(binary, gitlab_url, sink, es_url, index):
    """One full sync into a fresh index: (CPU µs/doc, user µs/doc, sys µs/doc, peak RSS MB)."""
    workdir = Path(tempfile.mkdtemp(prefix="gc-compare-"))
    try:
        cmd = sync_command(binary, gitlab_url, sink, es_url, workdir / "index", index)
        out_path, err_path = workdir / "stdout.json", workdir / "stderr.txt"
        code, usage, _ = run_measured(cmd, out_path, err_path)
        if code != 0:
            sys.exit(f"{binary}: sync failed:\n{err_path.read_text()[-3000:]}")
        summary = json.loads(out_path.read_text())
        docs = summary["documents"]
        if sink == "es":
            # The next sync starts from an empty index, and es-sim does not keep this one.
            request = urllib.request.Request(f"{es_url}/{index}", method="DELETE")
            urllib.request.urlopen(request, timeout=60).close()
        per_doc = 1e6 / docs
        return ((usage.ru_utime + usage.ru_stime) * per_doc, usage.ru_utime * per_doc,
                usage.ru_stime * per_doc, peak_rss_mb(summary, usage))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("builds", nargs="+", help="gitlab-connector binaries or directories holding one")
    parser.add_argument("--size", default="large", choices=["small", "medium", "large", "huge"])
    parser.add_argument("--sink", default="es", choices=["es", "local"])
    parser.add_argument("--rounds", type=int, default=8, help="syncs of each build (default 8)")
    parser.add_argument("--sim-dir", help="where gitlab-sim and es-sim are")
    args = parser.parse_args()
    if len(args.builds) < 2 or args.rounds < 1:
        parser.error("give two or more builds and at least one round")
    binaries = [connector(build) for build in args.builds]
    sims = Path(args.sim_dir) if args.sim_dir else binaries[0].parent
    if not (sims / "gitlab-sim").exists():
        sims = ROOT / "target" / "release"
    sim, gitlab_url = start_gitlab_sim(sims, args.size, "--rate-limit-rpm", "1000000")
    es, es_url = (None, None)
    try:
        if args.sink == "es":
            es, es_url = start_es_sim(sims)
        results = {i: [] for i in range(len(binaries))}
        for round_number in range(args.rounds):
            order = list(range(len(binaries)))
            if round_number % 2:
                order.reverse()
            for i in order:
                figures = sync_once(binaries[i], gitlab_url, args.sink, es_url, f"compare-{round_number}-{i}")
                results[i].append(figures)
            print(f"# round {round_number + 1}/{args.rounds}: "
                  + ", ".join(f"{results[i][-1][0]:.1f}" for i in range(len(binaries))) + " us CPU/doc",
                  file=sys.stderr)
            time.sleep(0.2)
    finally:
        stop(sim)
        if es is not None:
            stop(es)
    print(f"{args.size}/{args.sink}, {args.rounds} interleaved rounds, medians:")
    first = [run[0] for run in results[0]]
    for i, binary in enumerate(binaries):
        runs = results[i]
        cpu, user, system, rss = (statistics.median(run[k] for run in runs) for k in range(4))
        line = (f"  {binary}: CPU {cpu:.1f} us/doc (user {user:.1f}, sys {system:.1f}), "
                f"peak RSS {rss:.1f} MB, runs {[round(run[0], 1) for run in runs]}")
        if i:
            wins = sum(1 for mine, theirs in zip((run[0] for run in runs), first) if mine < theirs)
            line += f"; lower than the first build in {wins} of {args.rounds} rounds"
        print(line)


if __name__ == "__main__":
    main()
