#!/usr/bin/env bash
# Aggregates benchmark, two programs in one run:
# 1. udfs/src/test/java/io/github/sparkdivergence/bench/AggregateBenchmark.java: mutual_info /
#    MutualInformation / a Deequ-style plan against count(*) on cached flights and generated data;
#    rewrites the "## Aggregates" section of docs/benchmarks.md.
# 2. udfs/src/test/java/io/github/sparkdivergence/bench/BigPairBenchmark.java: one pair from 50 x 50
#    to 5M x 5M values at 2 and 8 GiB of heap, ours beside the plain distributed plan and GROUP BY +
#    collect, each case in a JVM of its own; rewrites "## Mutual information at any cardinality".
# Run it from anywhere, on a shared machine under the Maven/Spark lock:
#
#   flock /tmp/mvn.lock bench/aggregates.sh                       # both (~40 min + ~30 min)
#   flock /tmp/mvn.lock bench/aggregates.sh --rows 2000000 --rounds 5 --out none --no-big-pairs
#   flock /tmp/mvn.lock bench/aggregates.sh --big-pairs-only      # only the second program
#
# Options of the first program (see its class comment): --rows N, --rounds R, --partitions P,
# --flights PATH|none, --seed S, --no-matrix, --no-codes, --only REGEX, --out FILE|none.
# BIG_PAIRS_ARGS: options of the second (--rows N, --heaps 2g,8g, --timeout S, --runs N, --only REGEX,
# --out FILE|none; see its class comment). Environment: BENCH_HEAP (first program, default 12g),
# BENCH_JVM_OPTS (extra JVM options, e.g. -XX:StartFlightRecording=filename=agg.jfr).
# The script does not take the lock itself: wrap it in flock as above.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
aggregates=1
big_pairs=1
args=()
for a in "$@"; do
  case "$a" in
    --no-big-pairs) big_pairs=0 ;;
    --big-pairs-only) aggregates=0 ;;
    *) args+=("$a") ;;
  esac
done
mvn -B -q -pl udfs test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/aggregate-bench.classpath -Dmdep.includeScope=test
# The --add-opens flags Spark needs on Java 17, from the parent pom (one source of truth).
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
cp="udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/aggregate-bench.classpath)"
if [ "$aggregates" = 1 ]; then
  # shellcheck disable=SC2086
  java -Xmx"${BENCH_HEAP:-12g}" $opens ${BENCH_JVM_OPTS:-} -cp "$cp" \
    io.github.sparkdivergence.bench.AggregateBenchmark --out "$root/docs/benchmarks.md" ${args[@]+"${args[@]}"} \
    --command "bench/aggregates.sh${*:+ $*}"
fi
if [ "$big_pairs" = 1 ]; then
  # The parent only starts one JVM per case (with these --add-opens and the heap of the case).
  # shellcheck disable=SC2086
  java -Xmx256m $opens ${BENCH_JVM_OPTS:-} -cp "$cp" \
    io.github.sparkdivergence.bench.BigPairBenchmark --out "$root/docs/benchmarks.md" --work "$root/target/big-pair-bench" \
    ${BIG_PAIRS_ARGS:-} --command "bench/aggregates.sh${*:+ $*}${BIG_PAIRS_ARGS:+ (BIG_PAIRS_ARGS=$BIG_PAIRS_ARGS)}"
fi
