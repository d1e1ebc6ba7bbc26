#!/bin/bash
# Wall time of `rxgym bench <scenario> --queue` with N worker processes (`--jobs 1` each) on this machine, against a
# fresh redis-server of its own (no persistence) on a random 127.0.0.1 port. Needs `npm run build` first (workers
# and the submitter run from dist/). Measure interleaved (1, 2, 1, 2 workers) and note the load average.
#
#   test/bench/queue-workers.sh scenarios/smoke.yaml 1 smoke-1w     # -> "smoke-1w 18.3"
#   test/bench/queue-workers.sh scenarios/smoke.yaml 2 smoke-2w
#
# Output (logs, collected runs) goes to ${RXGYM_QUEUE_BENCH_DIR:-/tmp/rxgym-queue-workers}/<tag>.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 <scenario> <workers> <tag>" >&2
  exit 2
fi
scenario=$1
workers=$2
tag=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${RXGYM_QUEUE_BENCH_DIR:-/tmp/rxgym-queue-workers}/$tag
port=$((6400 + RANDOM % 500))
url=redis://127.0.0.1:$port
rm -rf "$out"
mkdir -p "$out"

pids=()
cleanup() {
  # SIGTERM: each worker checkpoints and releases what it holds; then Redis goes
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no >"$out/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

cd "$root"
for i in $(seq 1 "$workers"); do
  node dist/src/cli/main.js worker --queue "$url" --jobs 1 --work "$out/w$i" >"$out/w$i.log" 2>&1 &
  pids+=($!)
done
# the workers are up (connected, waiting for jobs) before the clock starts
sleep 2
t0=$(date +%s.%N)
node dist/src/cli/main.js bench "$scenario" --queue "$url" --out "$out/out" --every 60000 >"$out/submit.log" 2>&1
t1=$(date +%s.%N)
cleanup
pids=("$redis_pid")
echo "$tag $(echo "$t1 - $t0" | bc)"
