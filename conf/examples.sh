#!/usr/bin/env bash
# Example invocations of every job on data-samples/, in local mode through bin/spark-divergence
# (no Spark installation needed). Run from anywhere: conf/examples.sh [output-dir]
# The same arguments work after `spark-submit [--properties-file conf/spark-defaults.*.conf]
#   --class io.github.sparkdivergence.jobs.Main spark-jobs/target/spark-divergence-jobs-0.1.0-SNAPSHOT.jar`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/bin/spark-divergence"
S="$ROOT/data-samples"
OUT="${1:-/tmp/spark-divergence-examples}"
mkdir -p "$OUT"

# drift: January vs June 2001 flights, one file split by two filters; exits 3 if the dataset drifts or a --threshold fires
"$RUN" drift --input "$S/flights_2001_jan_jun.csv" \
  --reference-filter "month(date) = 1" --current-filter "month(date) = 6" \
  --columns delay,distance,origin,destination --bins 10 --eps 1e-4 \
  --threshold js_distance=0.1 --threshold psi=0.25 \
  --output "$OUT/flights-drift.parquet" --categories-output "$OUT/flights-drift-categories.parquet" --mode overwrite
echo "drift exit status: $?"

# drift: bird strikes before and after 1996 (all columns; numeric costs and speeds bucketed)
"$RUN" drift --input "$S/birdstrikes.csv" \
  --reference-filter "flight_date < '1996'" --current-filter "flight_date >= '1996'" \
  --output "$OUT/birdstrikes-drift.csv" --mode overwrite --top 20
echo "drift exit status: $?"

# mutual-info: rank Titanic's columns by their mutual information with survival
"$RUN" mutual-info --input "$S/titanic.csv" --target Survived \
  --output "$OUT/titanic-mi.json" --mode overwrite
echo "mutual-info exit status: $?"

# mutual-info: the pairwise matrix of some bird-strike columns (numeric ones in 8 quantile bins)
"$RUN" mutual-info --input "$S/birdstrikes.csv" \
  --columns phase_of_flight,wildlife_size,time_of_day,effect_amount_of_damage,speed_ias_in_knots --bins 8 \
  --output "$OUT/birdstrikes-mi.parquet" --mode overwrite
echo "mutual-info exit status: $?"

# score: per-row KL both ways, JS distance and Hellinger distance between two probability arrays,
# summarised per segment
"$RUN" score --input "$S/distributions.jsonl" --p p --q q --metrics kl_div,reverse_kl_div,js_distance,hellinger_distance \
  --group-by segment --output "$OUT/scored.parquet" --summary-output "$OUT/scored-summary.csv" --mode overwrite
echo "score exit status: $?"

# score: the same distributions as map<string,double> (needs a schema for JSON maps), in bits
"$RUN" score --input "$S/distributions.jsonl" \
  --input-schema "id INT, segment STRING, p ARRAY<DOUBLE>, q ARRAY<DOUBLE>, logp ARRAY<DOUBLE>, logq ARRAY<DOUBLE>, p_map MAP<STRING,DOUBLE>, q_map MAP<STRING,DOUBLE>" \
  --p p_map --q q_map --metrics kl_div,js_div,total_variation --base 2 --output "$OUT/scored-maps.json" --mode overwrite
echo "score exit status: $?"

# score: KL from log-probabilities (LLM-style logprobs)
"$RUN" score --input "$S/distributions.jsonl" --p logp --q logq --input-kind logprobs \
  --output "$OUT/scored-logprobs.orc" --mode overwrite
echo "score exit status: $?"
