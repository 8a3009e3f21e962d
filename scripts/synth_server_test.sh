#!/usr/bin/env bash
# Integration test of `ipt synth`'s OpenAI-compatible backend against a real llama.cpp server
# (llama-cpp-python's `python -m llama_cpp.server`) serving a tiny random-init model made here.
# Needs only Debian packages (python3-venv, a C++ compiler) and PyPI. .ci/run runs it after the
# suite; pip's source build of llama.cpp takes about 5 minutes on an idle 2-core machine.
#
#   scripts/synth_server_test.sh            # from anywhere; works in the package root
#
# Set-up (each phase logged with its time):
#   venv     python3 -m venv $VENV; pip install llama-cpp-python[server]==$LLAMA_CPP_VERSION (built
#            from source by pip: a CPU-only build with tests/examples/tools/llava off), gguf, numpy.
#            Reused when $VENV already has them; CI starts without one.
#   build    swift build (debug ipt).
#   model    a generated corpus → `ipt tokenizer train` (byte-level BPE, vocab 1024) → `ipt model
#            init` with the tiny config at that vocab → scripts/hf_to_gguf.py (f32 GGUF) →
#            scripts/check_gguf_logits.py: llama.cpp's logits must equal `ipt model logits` to 1e-3.
# Checks:
#   1. the Swift LlamaServerTests (skipped in plain `swift test`) against the live server;
#   2. a two-round run worked by `ipt synth work` while the server is killed (kill -9) and
#      restarted: every request ends done, none failed, and the requests caught by the outage
#      record that they recovered by retrying;
#   3. a server that answers garbage / truncated JSON: every request fails, no pair is stored.
# Environment: IPT_CI_VENV (default <root>/.ci-venv), IPT_SYNTH_SERVER_WORK (default
# <root>/.ci-synth-server, emptied at the start), IPT_SYNTH_SERVER_PORT (default 18431; the garbage
# server uses the port after it), IPT_SYNTH_SERVER_OPTIONAL_SETUP=1 (CI: if the venv cannot be made
# — no PyPI, no compiler, pip over IPT_SYNTH_SERVER_PIP_TIMEOUT seconds, default 1800 — say so and
# exit 0 instead of failing; every check after the set-up still fails hard).
# Only 127.0.0.1 is contacted, except PyPI while the venv is made.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${IPT_CI_VENV:-$ROOT/.ci-venv}
WORK=${IPT_SYNTH_SERVER_WORK:-$ROOT/.ci-synth-server}
PORT=${IPT_SYNTH_SERVER_PORT:-18431}
LLAMA_CPP_VERSION=0.3.36   # the llama-cpp-python the project's peer comparisons use
GARBAGE_PORT=$((PORT + 1))
URL="http://127.0.0.1:$PORT/v1"
IPT="$ROOT/.build/debug/ipt"
PY="$VENV/bin/python"
STARTED=$(date +%s)
PHASE_STARTED=$STARTED
TIMINGS=""
SERVER_PID=""
GARBAGE_PID=""
WORKER_PID=""

log() { echo "[synth_server_test $(($(date +%s) - STARTED))s] $*"; }
fail() { echo "[synth_server_test] FAIL: $*" >&2; exit 1; }
# A set-up step that needs the network or a compiler: optional in CI, fatal otherwise.
setup_failed() {
    if [ "${IPT_SYNTH_SERVER_OPTIONAL_SETUP:-0}" = 1 ]; then
        echo "[synth_server_test] SKIPPED (set-up unavailable here, nothing was tested): $*" >&2
        exit 0
    fi
    fail "$*"
}
phase_done() { # name
    local seconds=$(($(date +%s) - PHASE_STARTED))
    TIMINGS="$TIMINGS $1=${seconds}s"
    log "$1 done in ${seconds} s"
    PHASE_STARTED=$(date +%s)
}
cleanup() {
    for pid in $WORKER_PID $SERVER_PID $GARBAGE_PID; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- venv: llama-cpp-python[server], gguf, numpy ----------------------------------------------------
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    log "installing python3-venv"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null; } \
        || setup_failed "could not install python3-venv"
fi
if ! [ -x "$PY" ] || ! "$PY" -c "
import llama_cpp, gguf, numpy, llama_cpp.server.app, uvicorn
assert llama_cpp.__version__ == '$LLAMA_CPP_VERSION'" >/dev/null 2>&1; then
    log "making $VENV: pip builds llama-cpp-python[server]==$LLAMA_CPP_VERSION from source (several minutes)"
    rm -rf "$VENV"
    python3 -m venv "$VENV" || setup_failed "python3 -m venv failed"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAVA_BUILD=OFF" \
        timeout "${IPT_SYNTH_SERVER_PIP_TIMEOUT:-1800}" \
        "$PY" -m pip install --quiet --no-cache-dir "llama-cpp-python[server]==$LLAMA_CPP_VERSION" gguf numpy \
        >"$ROOT/.ci-venv-pip.log" 2>&1 || { tail -40 "$ROOT/.ci-venv-pip.log" >&2; rm -rf "$VENV"; setup_failed "pip install failed or timed out"; }
fi
phase_done venv

# --- ipt -------------------------------------------------------------------------------------------
(cd "$ROOT" && swift build --product ipt >/dev/null)
[ -x "$IPT" ] || fail "no ipt at $IPT"
phase_done build

# --- the tiny model: corpus → tokenizer → HF model → GGUF, checked against ipt's logits -----------
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
"$PY" - >corpus.jsonl <<'EOF'
import json
subjects = ["the server", "a client", "the archive", "each worker", "the buffer", "a request", "the model",
            "every reader", "the scheduler", "a process"]
verbs = ["stores", "reads", "sends", "waits for", "answers", "writes", "compresses", "checks", "retries", "records"]
objects = ["the file", "a message", "the table", "each token", "the response", "a batch", "the index",
           "every line", "the queue", "a signal"]
clauses = ["because the disk is full", "when the network is slow", "after the lease expires",
           "before the round ends", "if the answer is truncated", "while the cache is cold"]
for i in range(400):
    sentences = [f"{subjects[(i * 7 + k) % 10].capitalize()} {verbs[(i * 3 + k) % 10]} {objects[(i + k * 5) % 10]} "
                 f"{clauses[(i + k) % 6]}." for k in range(4)]
    text = f"Note {i}: " + " ".join(sentences) + f" Question: what does {objects[i % 10]} hold? Answer: item {i * 13 % 997}."
    print(json.dumps({"id": f"c{i}", "text": text}))
EOF
"$IPT" ingest --db model.db corpus.jsonl >/dev/null
"$IPT" tokenizer train --db model.db --vocab-size 1024 --name ci --out tokenizer.json >/dev/null
"$IPT" model init --config tiny --seed 0 --out tiny-4096 >/dev/null
sed 's/"vocab_size":4096/"vocab_size":1024/' tiny-4096/config.json >tiny-1024.json
grep -q '"vocab_size":1024' tiny-1024.json || fail "could not set vocab_size 1024 in the tiny config"
"$IPT" model init --config tiny-1024.json --seed 0 --out tiny >/dev/null
"$PY" "$ROOT/scripts/hf_to_gguf.py" tiny tokenizer.json tiny.gguf
"$PY" "$ROOT/scripts/check_gguf_logits.py" "$IPT" tiny tiny.gguf
phase_done model

# --- the server ------------------------------------------------------------------------------------
server_up() {
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v1/models', timeout=1)" >/dev/null 2>&1
}
start_server() {
    "$PY" -m llama_cpp.server --model "$WORK/tiny.gguf" --model_alias tiny --host 127.0.0.1 --port "$PORT" \
        --n_ctx 2048 >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        server_up && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.25
    done
    tail -20 "$WORK/server.log" >&2
    fail "the llama.cpp server did not come up on port $PORT (see $WORK/server.log)"
}

status_field() { # run field
    "$IPT" synth status --db "$DB" --run "$1" --json | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}
sql() { # database query → the first column of each result row
    "$PY" -c "import sqlite3,sys; print('\n'.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))" "$1" "$2"
}

server_up && fail "something already listens on 127.0.0.1:$PORT; set IPT_SYNTH_SERVER_PORT"
start_server
log "server up at $URL (pid $SERVER_PID)"
phase_done server

# --- 1. the Swift tests against the live server ----------------------------------------------------
(cd "$ROOT" && IPT_LLAMA_SERVER_URL="$URL" swift test --filter LlamaServerTests 2>&1) | tee "$WORK/swift-test.log" | grep -E "✔|✘|skipped" || true
grep -q "✘" "$WORK/swift-test.log" && fail "LlamaServerTests failed (see $WORK/swift-test.log)"
grep -q "Test run with 2 tests in 1 suite passed" "$WORK/swift-test.log" || fail "LlamaServerTests did not run (see $WORK/swift-test.log)"
log "LlamaServerTests passed"
phase_done swift-tests

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
RECOVERED=$(sql "$DB" "SELECT count(*) FROM synth_requests WHERE run_id = $RUN AND status = 'done' AND last_error LIKE 'recovered %'")
ORPHANS=$(sql "$DB" "SELECT count(*) FROM instruction_pairs p JOIN synth_requests q ON q.id = p.request_id WHERE q.status <> 'done'")
TOKENS=$(sql "$DB" "SELECT count(*) FROM synth_requests WHERE run_id = $RUN AND (prompt_tokens IS NULL OR completion_tokens IS NULL)")
INTEGRITY=$(sql "$DB" "PRAGMA integrity_check")
[ "$DONE" = 60 ] || fail "expected 60 requests done after the outage, found $DONE"
[ "$FAILED" = 0 ] || fail "$FAILED requests failed"
[ "$RECOVERED" -ge 1 ] || fail "no request recorded recovering from the outage"
[ "$ORPHANS" = 0 ] || fail "$ORPHANS orphan pairs"
[ "$TOKENS" = 0 ] || fail "$TOKENS requests lack token counts"
[ "$INTEGRITY" = ok ] || fail "integrity_check: $INTEGRITY"
log "server killed mid-run: 60/60 requests done, 0 failed, $RECOVERED recovered by retrying, integrity ok"
phase_done kill-restart

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
# A run none of whose requests succeeded ends `failed` and `ipt synth run` exits non-zero.
GRUN=$("$IPT" synth run --db "$DB" --backend "openai:http://127.0.0.1:$GARBAGE_PORT/v1" --model tiny --max-attempts 2 \
    --retries 0 --source texts --limit 6 2>/dev/null) && fail "garbage server: ipt synth run exited 0 although every request failed"
[ -n "$GRUN" ] || fail "garbage server: ipt synth run printed no run id"
GSTATUS=$(sql "$DB" "SELECT status FROM synth_runs WHERE id = $GRUN")
[ "$GSTATUS" = failed ] || fail "garbage server: the run's status is $GSTATUS, expected failed"
GFAILED=$(status_field "$GRUN" requests_failed)
GPAIRS=$(status_field "$GRUN" pairs)
[ "$GFAILED" = 6 ] || fail "garbage server: expected 6 failed requests, found $GFAILED"
[ "$GPAIRS" = 0 ] || fail "garbage server: $GPAIRS pairs stored from garbage"
log "garbage / truncated responses: 6/6 requests failed, 0 pairs, run failed, non-zero exit"
phase_done garbage

log "PASS in $(($(date +%s) - STARTED)) s (phases:$TIMINGS)"
