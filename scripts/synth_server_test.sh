#!/usr/bin/env bash
# Integration test of `ipt synth`'s OpenAI-compatible backend against a real llama.cpp server
# (llama-cpp-python's `python -m llama_cpp.server`) serving a tiny random-init Mistral model.
#
#   scripts/synth_server_test.sh            # from the package root
#
# What it checks:
#   1. the Swift LlamaServerTests (skipped in plain `swift test`) against the live server;
#   2. a two-round run worked by `ipt synth work` while the server is killed (kill -9) and
#      restarted: every request ends done, none failed, and the requests caught by the outage
#      record that they recovered by retrying;
#   3. a server that answers garbage / truncated JSON: every request fails, no pair is stored.
#
# Set-up (cached in $WORK, first run only, about 3-4 minutes): man pages → HF tokenizers
# (tok_peer.py) → the shared tiny model (make_models.py) → GGUF f32 with convert_hf_to_gguf.py
# from the llama-cpp-python source distribution unpacked in $WORK (never part of this repository).
# Environment: PEERS_PYTHON (default /work/peers/bin/python), PEERS_BENCH (default
# /work/shared/bench), IPT_SYNTH_SERVER_WORK (default /tmp/ipt-synth-server), IPT_SYNTH_SERVER_PORT
# (default 18431; the garbage server uses the port after it). Only 127.0.0.1 is contacted, except
# the Python package index during the first set-up.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PEERS_PYTHON:-/work/peers/bin/python}
BENCH=${PEERS_BENCH:-/work/shared/bench}
WORK=${IPT_SYNTH_SERVER_WORK:-/tmp/ipt-synth-server}
PORT=${IPT_SYNTH_SERVER_PORT:-18431}
GARBAGE_PORT=$((PORT + 1))
URL="http://127.0.0.1:$PORT/v1"
IPT="$ROOT/.build/debug/ipt"
STARTED=$(date +%s)
SERVER_PID=""
GARBAGE_PID=""
WORKER_PID=""

log() { echo "[synth_server_test $(($(date +%s) - STARTED))s] $*"; }
fail() { echo "[synth_server_test] FAIL: $*" >&2; exit 1; }
cleanup() {
    for pid in $WORKER_PID $SERVER_PID $GARBAGE_PID; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

mkdir -p "$WORK"
cd "$WORK"

# --- set-up: the server extra, the tiny model as GGUF ------------------------------------------
LLAMA_VERSION=$("$PY" -c "import llama_cpp; print(llama_cpp.__version__)")
if ! "$PY" -c "import llama_cpp.server.app, uvicorn, fastapi, sse_starlette, starlette_context, pydantic_settings" 2>/dev/null; then
    log "installing llama-cpp-python[server]==$LLAMA_VERSION"
    "$PY" -m pip install --quiet "llama-cpp-python[server]==$LLAMA_VERSION"
fi
if [ ! -f tiny.gguf ]; then
    log "making the tiny model (first run only)"
    [ -f man.jsonl ] || "$PY" "$BENCH/make_man_corpus.py" 300 >/dev/null
    [ -f tok4096.json ] || "$PY" "$BENCH/tok_peer.py" man.jsonl 4096 tok4096.json >/dev/null
    [ -f tok8192.json ] || "$PY" "$BENCH/tok_peer.py" man.jsonl 8192 tok8192.json >/dev/null
    [ -f models/tiny/model.safetensors ] || "$PY" "$BENCH/make_models.py" tok4096.json tok8192.json models >/dev/null 2>&1
    SDIST="llama_cpp_python-$LLAMA_VERSION"
    if [ ! -f "$SDIST/vendor/llama.cpp/convert_hf_to_gguf.py" ]; then
        "$PY" -m pip download --quiet --no-deps --no-binary llama-cpp-python "llama-cpp-python==$LLAMA_VERSION" -d sdist
        tar xzf "sdist/$SDIST.tar.gz" "$SDIST/vendor/llama.cpp/convert_hf_to_gguf.py" \
            "$SDIST/vendor/llama.cpp/gguf-py" "$SDIST/vendor/llama.cpp/conversion"
        # Our byte-level BPE is not in llama.cpp's list of known pre-tokenizers; it is GPT-2's.
        sed -i 's/raise NotImplementedError("BPE pre-tokenizer was not recognized - update get_vocab_base_pre()")/res = "gpt-2"/' \
            "$SDIST/vendor/llama.cpp/conversion/base.py"
    fi
    PYTHONPATH="$SDIST/vendor/llama.cpp/gguf-py" "$PY" "$SDIST/vendor/llama.cpp/convert_hf_to_gguf.py" \
        models/tiny --outtype f32 --outfile tiny.gguf >/dev/null 2>&1
fi
log "model ready: $WORK/tiny.gguf"

# --- ipt -------------------------------------------------------------------------------------------
(cd "$ROOT" && swift build >/dev/null)
[ -x "$IPT" ] || fail "no ipt at $IPT"

start_server() {
    "$PY" -m llama_cpp.server --model "$WORK/tiny.gguf" --model_alias tiny --host 127.0.0.1 --port "$PORT" \
        --n_ctx 2048 >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    fail "the llama.cpp server did not come up on port $PORT (see $WORK/server.log)"
}

status_field() { # run field
    "$IPT" synth status --db "$DB" --run "$1" --json | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

start_server
log "server up at $URL (pid $SERVER_PID)"

# --- 1. the Swift tests against the live server ----------------------------------------------------
(cd "$ROOT" && IPT_LLAMA_SERVER_URL="$URL" swift test --filter LlamaServerTests 2>&1) | tee "$WORK/swift-test.log" | grep -E "✔|✘|skipped" || true
grep -q "✘" "$WORK/swift-test.log" && fail "LlamaServerTests failed (see $WORK/swift-test.log)"
grep -q "Test run with 2 tests in 1 suite passed" "$WORK/swift-test.log" || fail "LlamaServerTests did not run (see $WORK/swift-test.log)"
log "LlamaServerTests passed"

# --- 2. kill the server mid-run --------------------------------------------------------------------
DB="$WORK/kill-server.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
for i in $(seq 0 59); do
    printf '{"id": "t%d", "text": "Text %d. The archive %d is stored on the server because the buffer is full. If the server is busy, the client waits."}\n' "$i" "$i" "$i"
done >"$WORK/texts.jsonl"
"$IPT" ingest --db "$DB" "$WORK/texts.jsonl" >/dev/null
RUN=$("$IPT" synth run --db "$DB" --backend "openai:$URL" --model tiny --rounds 2 --max-model-len 1024 \
    --max-new-tokens 64 --seed 5 --no-work)
"$IPT" synth work --db "$DB" --run "$RUN" --batch-size 4 --concurrency 2 --retries 8 --lease-seconds 30 \
    2>"$WORK/worker.log" &
WORKER_PID=$!
for _ in $(seq 1 200); do
    [ "$(status_field "$RUN" requests_done)" -ge 8 ] && break
    sleep 0.1
done
BEFORE=$(status_field "$RUN" requests_done)
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
log "killed the server with $BEFORE of 60 requests done; restarting it in 3 s"
sleep 3
start_server
wait "$WORKER_PID" || fail "the worker failed (see $WORK/worker.log)"
WORKER_PID=""
DONE=$(status_field "$RUN" requests_done)
FAILED=$(status_field "$RUN" requests_failed)
RECOVERED=$(sqlite3 "$DB" "SELECT count(*) FROM synth_requests WHERE run_id = $RUN AND status = 'done' AND last_error LIKE 'recovered after%'")
ORPHANS=$(sqlite3 "$DB" "SELECT count(*) FROM instruction_pairs p JOIN synth_requests q ON q.id = p.request_id WHERE q.status <> 'done'")
TOKENS=$(sqlite3 "$DB" "SELECT count(*) FROM synth_requests WHERE run_id = $RUN AND (prompt_tokens IS NULL OR completion_tokens IS NULL)")
INTEGRITY=$(sqlite3 "$DB" "PRAGMA integrity_check")
[ "$DONE" = 60 ] || fail "expected 60 requests done after the outage, found $DONE"
[ "$FAILED" = 0 ] || fail "$FAILED requests failed"
[ "$RECOVERED" -ge 1 ] || fail "no request recorded recovering from the outage"
[ "$ORPHANS" = 0 ] || fail "$ORPHANS orphan pairs"
[ "$TOKENS" = 0 ] || fail "$TOKENS requests lack token counts"
[ "$INTEGRITY" = ok ] || fail "integrity_check: $INTEGRITY"
log "server killed mid-run: 60/60 requests done, 0 failed, $RECOVERED recovered by retrying, integrity ok"

# --- 3. garbage and truncated responses are failures, never pairs -----------------------------------
"$PY" - "$GARBAGE_PORT" >"$WORK/garbage.log" 2>&1 <<'EOF' &
import http.server, sys, itertools
bodies = itertools.cycle([
    b'{"choices":[{"text":" <QUE> q <ANS> a </END>","index":0',   # cut off
    b'<html>oops</html>',
    b'{"choices":[]}',
])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = next(bodies)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
EOF
GARBAGE_PID=$!
sleep 1
GRUN=$("$IPT" synth run --db "$DB" --backend "openai:http://127.0.0.1:$GARBAGE_PORT/v1" --model tiny --max-attempts 2 \
    --retries 0 --source texts --limit 6 2>/dev/null)
GFAILED=$(status_field "$GRUN" requests_failed)
GPAIRS=$(status_field "$GRUN" pairs)
[ "$GFAILED" = 6 ] || fail "garbage server: expected 6 failed requests, found $GFAILED"
[ "$GPAIRS" = 0 ] || fail "garbage server: $GPAIRS pairs stored from garbage"
log "garbage / truncated responses: 6/6 requests failed, 0 pairs"

log "PASS in $(($(date +%s) - STARTED)) s"
