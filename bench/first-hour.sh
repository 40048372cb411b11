#!/usr/bin/env bash
# First-hour timings (docs/benchmarks.md, "First hour"): wall time of bin/spark-divergence for
# --help, three mistakes reported before the session starts, and the README's first command, each
# run RUNS times (default 5) after the build, without the launcher's class-data archive
# (SPARK_DIVERGENCE_CDS=0) and with it, alternately, so that a change in the machine's load hits
# both alike; prints one Markdown row per command with both medians and every run. Arguments go to
# the launcher before the job (e.g. --spark 4.0). On a shared machine run it under the Maven/Spark
# lock; the first, untimed run builds and records the archive if needed:
#
#   flock /tmp/mvn.lock bench/first-hour.sh
#   RUNS=7 flock /tmp/mvn.lock bench/first-hour.sh --spark 4.0
#
# The script does not take the lock itself: wrap it in flock as above.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/exists" "$tmp/indir"
touch "$tmp/exists/_SUCCESS"
cp data-samples/titanic.csv "$tmp/indir/"

# one untimed run, so that a build or a class-data archive recording is not in the timings
bin/spark-divergence "$@" mutual-info --input data-samples/titanic.csv --target Survived >/dev/null 2>&1

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

bench() {
  local label="$1" want="$2"; shift 2
  local off=() on=() i cds t t0 t1 status
  for ((i = 0; i < runs; i++)); do
    for cds in 0 1; do
      t0="$(date +%s%N)"
      status=0
      SPARK_DIVERGENCE_CDS="$cds" bin/spark-divergence "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
      t1="$(date +%s%N)"
      if [[ "$status" != "$want" ]]; then
        echo "first-hour: $label exited $status, not $want:" >&2
        cat "$tmp/err" >&2
        exit 1
      fi
      # the JVM's own notices ("[warning][cds] ...", "WARNING: ...") would be new output
      if grep -qE '^\[[0-9.]+s\]\[|WARNING' "$tmp/out" "$tmp/err"; then
        echo "first-hour: $label printed a JVM notice (SPARK_DIVERGENCE_CDS=$cds):" >&2
        cat "$tmp/out" "$tmp/err" >&2
        exit 1
      fi
      t="$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.2f", d / 1e9 }')"
      if [[ "$cds" == 0 ]]; then off+=("$t"); else on+=("$t"); fi
    done
  done
  echo "| $label (exit $want) | $(printf '%s\n' "${off[@]}" | median) ($(list "${off[@]}")) |" \
    "$(printf '%s\n' "${on[@]}" | median) ($(list "${on[@]}")) |"
}

list() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

echo "| command | without the archive: median (runs), s | with it: median (runs), s |"
echo "|---|---:|---:|"
bench "--help" 0 "$@" --help
bench "missing input" 1 "$@" score --input /nope --p p --q q --output "$tmp/x"
bench "existing output" 1 "$@" score --input data-samples/distributions.jsonl --p p --q q --output "$tmp/exists"
bench "output inside the input" 2 "$@" mutual-info --input "$tmp/indir" --target Survived --output "$tmp/indir/out"
bench "mutual-info on titanic.csv" 0 "$@" mutual-info --input data-samples/titanic.csv --target Survived
