#!/usr/bin/env python3
"""Benchmark harness: full syncs of gitlab-sim into es-sim and into the local index.

Starts the simulators as separate processes, runs `gitlab-connector sync --json` as a child, and
measures only the connector process: wall time, CPU time (user + sys from wait4), peak RSS
(ru_maxrss from wait4), plus what the connector's JSON summary reports (documents, GitLab
requests by kind, retries, 429s) and what es-sim's request log says (bulk requests).

    python3 bench/run.py --size medium --sink es --sink local
    python3 bench/run.py --size large --latency-ms 100 --save bench/runs/latest.json
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"


def build():
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "gitlab-connector", "-p", "gitlab-sim", "-p", "es-sim"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release"


def start(cmd, ready_prefix):
    """Starts a simulator and waits for its `... listening on http://ADDR` line."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if ready_prefix in line:
            return proc, line.strip().split()[-1]
    proc.kill()
    sys.exit(f"{cmd[0]} did not start")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def http_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def run_case(bins, args, sink):
    sim_cmd = [str(bins / "gitlab-sim"), "--size", args.size, "--addr", "127.0.0.1:0", "--token", TOKEN]
    if args.latency_ms:
        sim_cmd += ["--latency-ms", str(args.latency_ms)]
    if args.rate_limit_rpm:
        sim_cmd += ["--rate-limit-rpm", str(args.rate_limit_rpm)]
    sim, gitlab_url = start(sim_cmd, "listening on")
    es = None
    workdir = Path(tempfile.mkdtemp(prefix="gc-bench-"))
    try:
        cmd = [str(bins / "gitlab-connector"), "sync", "--gitlab-url", gitlab_url, "--token", TOKEN,
               "--projects", "*", "--json", "--no-progress"]
        if args.concurrency:
            cmd += ["--concurrency", str(args.concurrency)]
        if sink == "es":
            es, es_url = start([str(bins / "es-sim"), "--addr", "127.0.0.1:0"], "listening on")
            cmd += ["--sink", "elasticsearch", "--es-url", es_url, "--index", "search-gitlab"]
        else:
            cmd += ["--index-dir", str(workdir / "index")]
        out_path, err_path = workdir / "stdout.json", workdir / "stderr.txt"
        with open(out_path, "w") as out_file, open(err_path, "w") as err_file:
            started = time.monotonic()
            child = subprocess.Popen(cmd, stdout=out_file, stderr=err_file)
            # wait4 gives this one process's CPU time and peak RSS (simulators excluded).
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.monotonic() - started
            child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 2):
            sys.exit(f"sync failed ({child.returncode}):\n{err_path.read_text()[-3000:]}")
        out = out_path.read_text()
        summary = json.loads(out)
        requests = summary.get("requests", {})
        bulk = None
        if es is not None:
            log = http_json(es_url + "/_sim/requests")
            bulk = sum(1 for r in log.get("requests", log) if "_bulk" in str(r.get("path", "")))
        docs = summary["documents"]
        cpu = usage.ru_utime + usage.ru_stime
        total_requests = requests.get("total", 0)
        return {
            "case": f"{args.size}_{args.latency_ms}ms_to_{sink}",
            "documents": docs,
            "wall_s": round(wall, 3),
            "docs_per_s": round(docs / wall, 1) if wall else None,
            "cpu_s": round(cpu, 3),
            "cpu_us_per_doc": round(cpu * 1e6 / docs, 2) if docs else None,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "gitlab_requests": total_requests,
            "requests_by_kind": requests.get("by_kind", {}),
            "requests_per_doc": round(total_requests / docs, 4) if docs else None,
            "rate_limited_429": requests.get("rate_limited", 0),
            "retries": requests.get("retries", 0),
            "bulk_requests": bulk,
            "outcome": summary.get("outcome"),
        }
    finally:
        stop(sim)
        if es is not None:
            stop(es)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large", "huge"])
    parser.add_argument("--sink", action="append", choices=["es", "local"], help="repeatable; default both")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--rate-limit-rpm", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=0)
    parser.add_argument("--save", help="write the results as JSON to this file")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    bins = ROOT / "target" / "release" if args.no_build else build()
    rows = [run_case(bins, args, sink) for sink in (args.sink or ["es", "local"])]
    columns = ["case", "documents", "wall_s", "docs_per_s", "cpu_s", "cpu_us_per_doc", "peak_rss_mb",
               "gitlab_requests", "requests_per_doc", "rate_limited_429", "retries", "bulk_requests"]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print(f"{row['case']} requests by kind: {json.dumps(row['requests_by_kind'], sort_keys=True)}")
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(json.dumps({"machine": os.uname().nodename, "cpus": os.cpu_count(),
                                               "args": vars(args), "results": rows}, indent=2))


if __name__ == "__main__":
    main()
