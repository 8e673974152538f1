#!/usr/bin/env python3
"""Profile-guided build of gitlab-connector: the same code, laid out by how a sync runs it.

    python3 bench/pgo.py                           # → target/pgo/release/ (connector + simulators)
    python3 bench/pgo.py --no-default-features     # extra arguments go to both connector builds
    python3 bench/run.py --bin-dir target/pgo/release --size medium --size large

Steps: builds the simulators (plain release); builds the connector instrumented
(`-Cprofile-generate`, in target/pgo-generate); trains it with full syncs and re-syncs of the
medium and large simulators into es-sim and into a local index, plus a search (about half a
minute); merges the profile with the toolchain's `llvm-profdata` (from the `llvm-tools` rustup
component, added when missing); builds the connector again with `-Cprofile-use` in target/pgo,
and copies the simulators beside it so the harness can use that directory. Both connector builds
are full release builds (fat LTO): about twice the time of `cargo build --release`.

The training data is the simulator's, which has GitLab's response shapes; the profile only
steers code layout, inlining and branch order, never behaviour. Interleaved against the plain
release build (`bench/compare.py`): large/es 17.0 → 14.5 µs of CPU per document, large/local
50.7 → 41.1, medium/es 23.6 → 20.7 (bench/README.md, fourteenth round).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, start_es_sim, start_gitlab_sim, stop, sync_command  # noqa: E402  (the harness's)

GENERATE_DIR = ROOT / "target" / "pgo-generate"
USE_DIR = ROOT / "target" / "pgo"
TRAINING_SIZES = ("medium", "large")


def llvm_profdata():
    """The toolchain's `llvm-profdata` (the one that reads this rustc's profiles)."""
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True,
                             check=True).stdout.strip()
    version = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    host = next(line.split(": ", 1)[1] for line in version.splitlines() if line.startswith("host: "))
    tool = Path(sysroot) / "lib" / "rustlib" / host / "bin" / "llvm-profdata"
    if not tool.exists():
        print("# adding the llvm-tools rustup component (llvm-profdata)", file=sys.stderr)
        subprocess.run(["rustup", "component", "add", "llvm-tools"], check=False)
    if not tool.exists():
        sys.exit(f"llvm-profdata not found at {tool}: install it with `rustup component add "
                 "llvm-tools` (a system llvm-profdata only reads profiles of its own LLVM version)")
    return tool


def cargo_build(target_dir, rustflags, cargo_args):
    """`cargo build --release -p gitlab-connector` into `target_dir` with extra `rustflags`."""
    env = dict(os.environ)
    env["RUSTFLAGS"] = " ".join(filter(None, [env.get("RUSTFLAGS", ""), rustflags]))
    env["CARGO_TARGET_DIR"] = str(target_dir)
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "gitlab-connector", *cargo_args],
                   cwd=ROOT, env=env, check=True)
    return Path(target_dir) / "release" / "gitlab-connector"


def train(connector, sims):
    """Full syncs and re-syncs of each training size into es-sim and a local index."""
    es, es_url = start_es_sim(sims)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for size in TRAINING_SIZES:
                sim, gitlab_url = start_gitlab_sim(sims, size, "--rate-limit-rpm", "1000000")
                try:
                    index_dir = Path(scratch) / size
                    for sink in ("es", "local"):
                        for _ in ("first sync", "re-sync"):
                            cmd = sync_command(connector, gitlab_url, sink, es_url, index_dir,
                                               index=f"search-pgo-{size}")
                            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           check=True)
                        print(f"# trained: {size}/{sink}", file=sys.stderr)
                    subprocess.run([str(connector), "search", "--index-dir", str(index_dir), "login"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                finally:
                    stop(sim)
    finally:
        stop(es)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _, cargo_args = parser.parse_known_args()
    profdata = llvm_profdata()

    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "gitlab-sim", "-p", "es-sim"],
                   cwd=ROOT, check=True)
    sims = ROOT / "target" / "release"

    profiles = GENERATE_DIR / "profiles"
    instrumented = cargo_build(GENERATE_DIR, f"-Cprofile-generate={profiles}", cargo_args)
    # Build scripts and proc macros of that build ran instrumented too: only the syncs count.
    shutil.rmtree(profiles, ignore_errors=True)
    train(instrumented, sims)
    merged = GENERATE_DIR / "merged.profdata"
    subprocess.run([str(profdata), "merge", "-o", str(merged), str(profiles)], check=True)

    # Cargo does not see a new profile behind the same flags: build the optimized one afresh.
    shutil.rmtree(USE_DIR / "release", ignore_errors=True)
    optimized = cargo_build(USE_DIR, f"-Cprofile-use={merged}", cargo_args)
    for sim in ("gitlab-sim", "es-sim"):
        shutil.copy2(sims / sim, optimized.parent / sim)
    print(f"profile-guided build: {optimized}")


if __name__ == "__main__":
    main()
