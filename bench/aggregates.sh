#!/usr/bin/env bash
# Aggregates benchmark (udfs/src/test/java/io/github/sparkdivergence/bench/AggregateBenchmark.java):
# mutual_info / MutualInformation / a Deequ-style plan against count(*) on cached flights and
# generated data; prints Markdown tables and rewrites the "## Aggregates" section of
# docs/benchmarks.md. Run it from anywhere, on a shared machine under the Maven/Spark lock:
#
#   flock /tmp/mvn.lock bench/aggregates.sh                       # 20M generated rows, 3 rounds (~40 min)
#   flock /tmp/mvn.lock bench/aggregates.sh --rows 2000000 --rounds 5 --out none
#
# Options (see the class comment): --rows N, --rounds R, --partitions P, --flights PATH|none,
# --seed S, --no-matrix, --no-codes, --only REGEX, --out FILE|none. Environment: BENCH_HEAP (default 12g),
# BENCH_JVM_OPTS (extra JVM options, e.g. -XX:StartFlightRecording=filename=agg.jfr).
# The script does not take the lock itself: wrap it in flock as above.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mvn -B -q -pl udfs test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/aggregate-bench.classpath -Dmdep.includeScope=test
# The --add-opens flags Spark needs on Java 17, from the parent pom (one source of truth).
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx"${BENCH_HEAP:-12g}" $opens ${BENCH_JVM_OPTS:-} \
  -cp "udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/aggregate-bench.classpath)" \
  io.github.sparkdivergence.bench.AggregateBenchmark --out "$root/docs/benchmarks.md" "$@" \
  --command "bench/aggregates.sh${*:+ $*}"
