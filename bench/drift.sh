#!/usr/bin/env bash
# Drift benchmark (udfs/src/test/java/io/github/sparkdivergence/bench/DriftBenchmark.java): the drift
# of 10 generated columns against a scan of the same columns; prints Markdown tables for
# docs/benchmarks.md ("## Drift"). Run from anywhere, under the Maven/Spark lock:
#
#   flock /tmp/mvn.lock bench/drift.sh                  # 20M rows, 3 rounds
#   flock /tmp/mvn.lock bench/drift.sh --rows 2000000 --rounds 1
#
# Environment: BENCH_HEAP (default 12g). The generated Parquet stays in udfs/target/drift-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl udfs test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/drift-bench.classpath -Dmdep.includeScope=test
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx"${BENCH_HEAP:-12g}" $opens \
  -cp "udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/drift-bench.classpath)" \
  io.github.sparkdivergence.bench.DriftBenchmark "$@"
