#!/usr/bin/env bash
# `ipt synth` across two OpenAI-compatible servers against a plain asyncio + aiohttp client,
# side by side, then a kill test. Needs python3 with aiohttp (pip install aiohttp).
#
# Usage: scripts/synth_bench.sh [TEXTS=400] [CONCURRENCY=16] [LATENCY=0.25] [REPEATS=3]
#   IPT=path/to/ipt (default .build/release/ipt), WORK=dir (default a temporary directory)
# Two servers (scripts/fake_openai_server.py) on 127.0.0.1 answer every request after LATENCY
# seconds. Each repeat runs `ipt synth run --backend openai:URL1,URL2 --concurrency C` over
# TEXTS texts, then scripts/synth_peer.py sends the same prompts (read back from the run) with
# C in flight per server; requests/s of both and their ratio are printed, then the medians.
# Kill test: a run over 4×TEXTS texts; when a third is done, server 2 is killed; the run must
# finish on server 1 with every text done exactly once.
set -euo pipefail
TEXTS=${1:-400}; CONCURRENCY=${2:-16}; LATENCY=${3:-0.25}; REPEATS=${4:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IPT=${IPT:-$ROOT/.build/release/ipt}
WORK=${WORK:-$(mktemp -d)}
PORT1=${PORT1:-18431}; PORT2=${PORT2:-18432}
mkdir -p "$WORK"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_server() {  # port → pid on stdout, waits until it answers
    python3 "$ROOT/scripts/fake_openai_server.py" "$1" "$LATENCY" >/dev/null 2>&1 &
    local pid=$!
    until curl -sf "http://127.0.0.1:$1/stats" >/dev/null; do sleep 0.1; done
    echo "$pid"
}

corpus() {  # count file: distinct short texts
    python3 - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"id": str(i), "text": f"Text {i}: the valve number {i} opens at pressure {i * 7 % 101} kPa and closes when the pump {i % 13} stops."}) + "\n")
PY
}

S1=$(start_server $PORT1); pids+=("$S1")
S2=$(start_server $PORT2); pids+=("$S2")
URLS="http://127.0.0.1:$PORT1/v1,http://127.0.0.1:$PORT2/v1"
echo "servers: $URLS (latency ${LATENCY}s); $TEXTS texts, --concurrency $CONCURRENCY per server; ideal $(python3 -c "print(2 * $CONCURRENCY / $LATENCY)") requests/s"
corpus "$TEXTS" "$WORK/texts.jsonl"
ours=(); peers=()
for r in $(seq 1 "$REPEATS"); do
    db="$WORK/bench-$r.db"; rm -f "$db"*
    "$IPT" ingest "$WORK/texts.jsonl" --db "$db" --source bench >/dev/null
    start=$(date +%s.%N)
    "$IPT" synth run --db "$db" --backend "openai:$URLS" --model synth --max-model-len 4096 --max-new-tokens 400 \
        --concurrency "$CONCURRENCY" >/dev/null 2>"$WORK/synth-$r.err"
    end=$(date +%s.%N)
    o=$(python3 -c "print(round($TEXTS / ($end - $start), 2))")
    "$IPT" sql "SELECT prompt FROM synth_requests ORDER BY id" --db "$db" --format jsonl > "$WORK/prompts.jsonl"
    p=$(python3 "$ROOT/scripts/synth_peer.py" "$WORK/prompts.jsonl" "$CONCURRENCY" "http://127.0.0.1:$PORT1/v1" "http://127.0.0.1:$PORT2/v1" \
        | python3 -c "import json,sys; print(json.load(sys.stdin)['requests_per_s'])")
    echo "repeat $r: ipt synth $o requests/s (whole command), peer $p requests/s, ratio $(python3 -c "print(round($o / $p, 3))")"
    ours+=("$o"); peers+=("$p")
done
python3 - "${ours[*]}" "${peers[*]}" <<'PY'
import statistics, sys
o = [float(x) for x in sys.argv[1].split()]; p = [float(x) for x in sys.argv[2].split()]
print(f"median: ipt synth {statistics.median(o):.2f} requests/s, peer {statistics.median(p):.2f} requests/s, ratio {statistics.median(o) / statistics.median(p):.3f}")
PY

echo "kill test: $((4 * TEXTS)) texts; server 2 is killed when a third are done"
corpus $((4 * TEXTS)) "$WORK/kill.jsonl"
db="$WORK/kill.db"; rm -f "$db"*
"$IPT" ingest "$WORK/kill.jsonl" --db "$db" --source bench >/dev/null
"$IPT" synth run --db "$db" --backend "openai:$URLS" --model synth --max-model-len 4096 --max-new-tokens 400 \
    --concurrency "$CONCURRENCY" >/dev/null 2>"$WORK/kill.err" &
worker=$!
until [ "$("$IPT" sql "SELECT count(*) AS n FROM synth_requests WHERE status = 'done'" --db "$db" --format csv 2>/dev/null | tail -1)" -ge $((4 * TEXTS / 3)) ] 2>/dev/null; do sleep 0.2; done
kill -9 "$S2"
echo "killed server 2 (server 1 has served $(curl -s http://127.0.0.1:$PORT1/stats | python3 -c "import json,sys; print(json.load(sys.stdin)['requests'])") requests since it started)"
wait "$worker"
"$IPT" sql "SELECT (SELECT status FROM synth_runs) AS run_status,
                   (SELECT count(*) FROM synth_requests WHERE status = 'done') AS done,
                   (SELECT count(*) FROM synth_requests WHERE status != 'done') AS not_done,
                   (SELECT count(DISTINCT raw_text_id) FROM synth_requests) AS texts_with_a_request,
                   (SELECT count(*) FROM raw_texts) AS texts,
                   (SELECT count(*) FROM instruction_pairs) AS pairs,
                   (SELECT count(*) FROM (SELECT raw_text_id FROM instruction_pairs GROUP BY raw_text_id HAVING count(*) != 1)) AS texts_without_exactly_one_pair,
                   (SELECT count(*) FROM synth_requests WHERE last_error LIKE 'recovered on%') AS recovered_on_another_server" --db "$db"
tail -3 "$WORK/kill.err"
