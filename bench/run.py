#!/usr/bin/env python3
"""Benchmark harness: full syncs of gitlab-sim into es-sim and into the local index.

Starts the simulators as separate processes, runs `gitlab-connector sync --json` as a child, and
measures only the connector process: wall time, CPU time (user + sys from wait4), peak RSS (the
connector's own `VmHWM`, which its JSON summary reports as `peak_rss_bytes`), plus what that
summary reports besides (documents, GitLab requests by kind, retries, 429s) and what es-sim's
request log says (bulk requests). wait4's ru_maxrss is not the connector's peak: Linux counts in
it the memory the child had before it executed the connector, i.e. this script's as it was when
it forked (see `peak_rss_mb`).

    python3 bench/run.py                                  # small + medium + large, both sinks
    python3 bench/run.py --size huge --sink es
    python3 bench/run.py --size medium --latency-ms 100   # latency-bound check
    python3 bench/run.py --size huge --rate-limit-rpm 600 --sink es    # rate-limit-bound check (~10 min)
    python3 bench/run.py --size medium --size large --repeat 5          # medians of five runs
    python3 bench/run.py --size medium --instructions     # plus instructions per document (valgrind)

After the table it prints each target of issue #5 that the cases measured, with "met" or
"MISSED": CPU per document (medium and large), peak memory, growth from small to huge (when
both ran), GitLab requests other than follow-ups against what Elastic's connector needs for the
same data (`gitlab-sim --reference-requests`), and the latency- and rate-limit-bound wall
times. On a shared machine CPU figures vary by ±25 % from run to run; `--repeat N` runs every
case N times and reports the median of each figure (every run is kept in the saved JSON), and
`--instructions` adds one run of each case under valgrind, whose instruction count per document
repeats to within a fraction of a per cent whatever else the machine does.

Results are saved as JSON under bench/runs/<date>-<machine>/ unless --no-save.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
DEFAULT_CONCURRENCY = 8  # the connector's default `--concurrency`

# Targets of issue #5, per sink: CPU per document at medium and large, peak RSS at every size.
CPU_US_PER_DOC_TARGET = {"es": 10, "local": 30}
CPU_TARGET_SIZES = ("medium", "large")
PEAK_RSS_MB_TARGET = {"es": 25, "local": 80}
GROWTH_TARGET = 0.20  # peak RSS, small to huge

# Figures that vary from run to run; `--repeat` reports the median of each.
VARYING = ["wall_s", "docs_per_s", "cpu_s", "cpu_user_s", "cpu_sys_s", "cpu_us_per_doc", "peak_rss_mb",
           "rate_limited_429", "retries"]

COLUMNS = ["case", "documents", "wall_s", "docs_per_s", "cpu_s", "cpu_us_per_doc", "instructions_per_doc", "peak_rss_mb",
           "gitlab_requests", "requests_per_doc", "rate_limited_429", "retries", "bulk_requests"]


def build():
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "gitlab-connector", "-p", "gitlab-sim", "-p", "es-sim"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release"


def start(cmd):
    """Starts a simulator and waits for its `... listening on http://ADDR` line."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "listening on" in line:
            return proc, line.strip().split()[-1]
    proc.kill()
    sys.exit(f"{cmd[0]} did not start")


def start_gitlab_sim(bins, size, *flags):
    """Starts `gitlab-sim` of `bins` at `size` on a free port, with extra `flags`: (process, URL)."""
    return start([str(bins / "gitlab-sim"), "--size", size, "--addr", "127.0.0.1:0", "--token", TOKEN,
                  *flags])


def start_es_sim(bins):
    """Starts `es-sim` of `bins` on a free port: (process, URL)."""
    return start([str(bins / "es-sim"), "--addr", "127.0.0.1:0"])


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout:
        proc.stdout.close()


def http_json(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def wait_for_fresh_window():
    """Waits for the next wall-clock minute. gitlab-sim counts requests in fixed one-minute
    windows, as GitLab does; a rate-limited run that straddled a minute boundary would meet two
    fresh windows and could finish without a single 429, which proves nothing."""
    into_minute = time.time() % 60
    if into_minute > 1:
        time.sleep(60 - into_minute + 0.05)


def case_name(size, sink, args):
    name = f"{size}/{sink}"
    if args.latency_ms:
        name += f"/{args.latency_ms}ms"
    if args.rate_limit_rpm:
        name += f"/{args.rate_limit_rpm}rpm"
    if args.project_concurrency:
        name += f"/p{args.project_concurrency}"
    return name


def sync_command(connector, gitlab_url, sink, es_url, index_dir, index="search-gitlab"):
    """`gitlab-connector sync` of every project of the simulator at `gitlab_url` into a fresh
    index: es-sim's `index` at `es_url`, or a local index in `index_dir`."""
    cmd = [str(connector), "sync", "--gitlab-url", gitlab_url, "--token", TOKEN,
           "--projects", "*", "--json", "--no-progress"]
    if sink == "es":
        return cmd + ["--sink", "elasticsearch", "--es-url", es_url, "--index", index]
    return cmd + ["--index-dir", str(index_dir)]


def run_measured(cmd, out_path, err_path):
    """Runs `cmd` with stdout and stderr to files: (exit code, resource usage, wall seconds).
    wait4 gives this one process's CPU time (simulators excluded); not its peak RSS (see `peak_rss_mb`)."""
    with open(out_path, "w") as out_file, open(err_path, "w") as err_file:
        started = time.monotonic()
        child = subprocess.Popen(cmd, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
    return os.waitstatus_to_exitcode(status), usage, wall


def peak_rss_mb(summary, usage):
    """The connector's peak RSS in MB: the `peak_rss_bytes` its summary reports (`VmHWM` of its
    own memory). wait4's `ru_maxrss` is only the fallback, for builds older than that field: it
    is at least this script's own RSS when it forked the child (Linux keeps the high-water mark
    of the memory a process had before `exec`), so it hid every peak below ~23 MB."""
    if summary.get("peak_rss_bytes") is not None:
        return round(summary["peak_rss_bytes"] / (1024 * 1024), 1)
    if not getattr(peak_rss_mb, "warned", False):
        print("warning: this connector does not report peak_rss_bytes; peak RSS taken from wait4, "
              "which includes this script's own memory", file=sys.stderr)
        peak_rss_mb.warned = True
    return round(usage.ru_maxrss / 1024, 1)


def run_case(bins, args, size, sink, reference_total, count_instructions=False):
    """One full sync into a fresh index. With `count_instructions` the connector runs under
    valgrind (cachegrind, no cache simulation) and the row also holds the instructions it
    executed; its times and memory are then valgrind's, not the connector's."""
    sim_flags = []
    if args.latency_ms:
        sim_flags += ["--latency-ms", str(args.latency_ms)]
    if args.rate_limit_rpm:
        sim_flags += ["--rate-limit-rpm", str(args.rate_limit_rpm)]
    sim, gitlab_url = start_gitlab_sim(bins, size, *sim_flags)
    es = None
    workdir = Path(tempfile.mkdtemp(prefix="gc-bench-"))
    try:
        es_url = None
        if sink == "es":
            es, es_url = start_es_sim(bins)
        cmd = sync_command(bins / "gitlab-connector", gitlab_url, sink, es_url, workdir / "index")
        if args.concurrency:
            cmd += ["--concurrency", str(args.concurrency)]
        if args.project_concurrency:
            cmd += ["--project-concurrency", str(args.project_concurrency)]
        out_path, err_path = workdir / "stdout.json", workdir / "stderr.txt"
        valgrind_log = workdir / "valgrind.txt"
        if count_instructions:
            cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                   f"--log-file={valgrind_log}"] + cmd
        if args.rate_limit_rpm:
            wait_for_fresh_window()
        code, usage, wall = run_measured(cmd, out_path, err_path)
        if code != 0:
            sys.exit(f"sync failed (exit {code}):\n{err_path.read_text()[-3000:]}")
        summary = json.loads(out_path.read_text())
        instructions = None
        if count_instructions:
            found = re.search(r"I\s+refs:\s+([\d,]+)", valgrind_log.read_text())
            instructions = int(found.group(1).replace(",", "")) if found else None
        requests = summary.get("requests", {})
        bulk = None
        if es is not None:
            log = http_json(es_url + "/_sim/requests")["requests"]
            bulk = sum(1 for r in log if r.get("path", "").endswith("/_bulk"))
        by_kind = requests.get("by_kind", {})
        follow_ups = sum(count for kind, count in by_kind.items() if is_follow_up(kind))
        docs = summary["documents"]
        cpu = usage.ru_utime + usage.ru_stime
        total_requests = requests.get("total", 0)
        return {
            "case": case_name(size, sink, args),
            "size": size,
            "sink": sink,
            "latency_ms": args.latency_ms,
            "rate_limit_rpm": args.rate_limit_rpm,
            "concurrency": args.concurrency or DEFAULT_CONCURRENCY,
            "project_concurrency": args.project_concurrency or None,
            "documents": docs,
            "documents_by_type": summary.get("documents_by_type", {}),
            "created": summary.get("created"),
            "wall_s": round(wall, 3),
            "docs_per_s": round(docs / wall) if wall else None,
            "cpu_s": round(cpu, 3),
            "cpu_user_s": round(usage.ru_utime, 3),
            "cpu_sys_s": round(usage.ru_stime, 3),
            "cpu_us_per_doc": round(cpu * 1e6 / docs, 2) if docs else None,
            "peak_rss_mb": peak_rss_mb(summary, usage),
            "gitlab_requests": total_requests,
            "graphql_requests": requests.get("graphql", 0),
            "rest_requests": requests.get("rest", 0),
            "requests_by_kind": by_kind,
            "follow_up_requests": follow_ups,
            "reference_requests_before_follow_ups": reference_total,
            "requests_per_doc": round(total_requests / docs, 4) if docs else None,
            "rate_limited_429": requests.get("rate_limited", 0),
            "retries": requests.get("retries", 0),
            "bulk_requests": bulk,
            "outcome": summary.get("outcome"),
            "instructions": instructions,
        }
    finally:
        stop(sim)
        if es is not None:
            stop(es)
        shutil.rmtree(workdir, ignore_errors=True)


def is_follow_up(kind):
    """Whether a request kind completes a nested list that overflowed its page."""
    return "FollowUp" in kind or kind == "DiscussionNotes"


def run_repeated(bins, args, size, sink):
    """Runs a case `args.repeat` times: the first run's row with the median of each varying
    figure, and every run's figures under `runs`."""
    reference = json.loads(subprocess.run(
        [str(bins / "gitlab-sim"), "--size", size, "--reference-requests"],
        check=True, capture_output=True, text=True).stdout)
    runs = []
    for attempt in range(args.repeat):
        row = run_case(bins, args, size, sink, reference["total"])
        if args.repeat > 1:
            print(f"#   run {attempt + 1}/{args.repeat}: {row['wall_s']} s, {row['cpu_us_per_doc']} us CPU/doc, "
                  f"{row['peak_rss_mb']} MB peak", file=sys.stderr)
        runs.append(row)
    instructions = None
    if args.instructions:
        counted = run_case(bins, args, size, sink, reference["total"], count_instructions=True)
        if counted["instructions"] and counted["documents"]:
            instructions = round(counted["instructions"] / counted["documents"])
        print(f"#   under valgrind: {instructions} instructions/doc", file=sys.stderr)
    merged = dict(runs[0])
    merged["instructions_per_doc"] = instructions
    if len(runs) > 1:
        for key in VARYING:
            values = [run[key] for run in runs if run[key] is not None]
            if values:
                merged[key] = round(statistics.median(values), 3)
        merged["runs"] = [{key: run[key] for key in VARYING} for run in runs]
    return merged


def bound_checks(row):
    """The targets one case can be held to: CPU per document (medium and large) and GitLab
    requests before follow-ups against the reference's (both without simulated latency or rate
    limit), peak RSS, and the wall time of the latency- and rate-limit-bound scenarios."""
    checks = []
    plain = not row["latency_ms"] and not row["rate_limit_rpm"]
    if plain and row["size"] in CPU_TARGET_SIZES and row["cpu_us_per_doc"] is not None:
        checks.append(("CPU us/doc", row["cpu_us_per_doc"], CPU_US_PER_DOC_TARGET[row["sink"]]))
    checks.append(("peak RSS MB", row["peak_rss_mb"], PEAK_RSS_MB_TARGET[row["sink"]]))
    requests = row["gitlab_requests"]
    if plain:
        checks.append(("GitLab requests before follow-ups vs the reference's (gitlab-source.md 5.8)",
                       requests - row["follow_up_requests"], row["reference_requests_before_follow_ups"]))
    if row["latency_ms"] and not row["rate_limit_rpm"]:
        ideal = requests * row["latency_ms"] / 1000 / row["concurrency"]
        checks.append(("wall <= 1.25 x requests x latency / concurrency", row["wall_s"], 1.25 * ideal))
    if row["rate_limit_rpm"]:
        ideal = requests / (row["rate_limit_rpm"] / 60)
        checks.append(("wall <= 1.15 x requests / rate", row["wall_s"], 1.15 * ideal))
        checks.append(("429s < 2 % of requests", row["rate_limited_429"], 0.02 * requests))
    return checks


def print_table(rows):
    # Columns no case measured (instructions without `--instructions`) are left out.
    columns = [c for c in COLUMNS if any(r[c] is not None for r in rows)]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print(f"{row['case']} requests by kind: {json.dumps(row['requests_by_kind'], sort_keys=True)}")
        for label, value, limit in bound_checks(row):
            print(f"{row['case']} {label}: {value} vs {limit:.1f} -> {verdict(value, limit)}")
    for label, value, limit in growth_checks(rows):
        print(f"{label}: {value:+.1%} vs {limit:+.0%} -> {verdict(value, limit, strict=True)}")


def growth_checks(rows):
    """Peak RSS growth from small to huge, per sink, when both sizes ran without simulated
    latency or rate limit."""
    peaks = {(row["size"], row["sink"]): row["peak_rss_mb"] for row in rows
             if not row["latency_ms"] and not row["rate_limit_rpm"]}
    checks = []
    for sink in PEAK_RSS_MB_TARGET:
        small, huge = peaks.get(("small", sink)), peaks.get(("huge", sink))
        if small and huge:
            checks.append((f"{sink} peak RSS growth small -> huge", (huge - small) / small, GROWTH_TARGET))
    return checks


def verdict(value, limit, strict=False):
    """"met" when `value` is under `limit` (or equal to it, unless `strict`), else "MISSED"."""
    if value < limit or (not strict and math.isclose(value, limit)):
        return "met"
    return "MISSED"


def save(rows, args, directory):
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%H%M%S")
    extra = (f"-{args.latency_ms}ms" if args.latency_ms else "") + (
        f"-{args.rate_limit_rpm}rpm" if args.rate_limit_rpm else "")
    path = directory / f"{'-'.join(args.size)}{extra}-{stamp}.json"
    path.write_text(json.dumps({
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "cpu": cpu_model(),
                    "kernel": platform.release()},
        "args": vars(args),
        "results": rows,
    }, indent=2) + "\n")
    print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", action="append", choices=["small", "medium", "large", "huge"],
                        help="repeatable; default small, medium and large")
    parser.add_argument("--sink", action="append", choices=["es", "local"], help="repeatable; default both")
    parser.add_argument("--latency-ms", type=int, default=0, help="gitlab-sim latency per request")
    parser.add_argument("--rate-limit-rpm", type=int, default=0, help="gitlab-sim rate limit")
    parser.add_argument("--concurrency", type=int, default=0, help="connector --concurrency (default its own)")
    parser.add_argument("--project-concurrency", type=int, default=0,
                        help="connector --project-concurrency (default its own)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each case; the table shows the median of each figure")
    parser.add_argument("--runs-dir", help="where to save (default bench/runs/<date>-<machine>)")
    parser.add_argument("--instructions", action="store_true",
                        help="also run each case once under valgrind and report the connector's "
                             "instructions per document (repeatable on a noisy machine; ~50x slower)")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--no-build", action="store_true", help="use target/release as it is")
    parser.add_argument("--bin-dir", help="use the binaries in this directory (implies --no-build)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (Debian: apt-get install valgrind)")
    args.size = args.size or ["small", "medium", "large"]
    args.sink = args.sink or ["es", "local"]
    if args.bin_dir:
        bins = Path(args.bin_dir)
    else:
        bins = ROOT / "target" / "release" if args.no_build else build()
    rows = []
    for size in args.size:
        for sink in args.sink:
            row = run_repeated(bins, args, size, sink)
            print(f"# {row['case']}: {row['documents']} docs in {row['wall_s']} s, "
                  f"{row['cpu_us_per_doc']} us CPU/doc, {row['peak_rss_mb']} MB peak", file=sys.stderr)
            rows.append(row)
    print_table(rows)
    if not args.no_save:
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        directory = Path(args.runs_dir) if args.runs_dir else ROOT / "bench" / "runs" / f"{date}-{platform.node()}"
        save(rows, args, directory)


if __name__ == "__main__":
    main()
