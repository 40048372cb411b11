#!/usr/bin/env bash
# Per-row function benchmark (udfs/src/test/java/io/github/sparkdivergence/bench/PerRowBenchmark.java):
# builds the cached data, runs every variant, prints a Markdown table and updates docs/benchmarks.md.
# Takes several minutes and about 12 GB of heap (BENCH_HEAP=...). Options go through, e.g.
#   bench/per-row.sh --dims 64 --rounds 7        (all options: see the class comment)
# On a shared machine the Maven/Spark JVM is serialised with flock on /tmp/mvn.lock when flock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=()
if command -v flock >/dev/null; then lock=(flock "${BENCH_LOCK:-/tmp/mvn.lock}"); fi
exec "${lock[@]}" mvn -B -q -pl udfs test-compile exec:exec@per-row-bench \
  -Dbench.heap="${BENCH_HEAP:-12g}" \
  -Dbench.args="--out docs/benchmarks.md $* --command bench/per-row.sh $*"
