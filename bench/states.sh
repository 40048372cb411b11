#!/usr/bin/env bash
# States benchmark (udfs/src/test/java/io/github/sparkdivergence/bench/StatesBenchmark.java): MI from
# 30 saved daily states against MI recomputed from the same cached rows, and the states' sizes;
# prints Markdown tables for docs/benchmarks.md ("## States"). Run from anywhere, under the lock:
#
#   flock /tmp/mvn.lock bench/states.sh                      # 10M generated rows + flights, 3 rounds
#   flock /tmp/mvn.lock bench/states.sh --rows 2000000 --rounds 1 --flights none
#
# Environment: BENCH_HEAP (default 12g).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl udfs test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/states-bench.classpath -Dmdep.includeScope=test
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx"${BENCH_HEAP:-12g}" $opens \
  -cp "udfs/target/test-classes:udfs/target/classes:$(cat udfs/target/states-bench.classpath)" \
  io.github.sparkdivergence.bench.StatesBenchmark "$@"
