#!/bin/sh
# Cross-check `ipt eval` against lm-evaluation-harness on a random HF Mistral model.
# Needs a Python environment with torch, transformers, tokenizers, datasets and lm-eval
# (PYTHON, default /work/peers/bin/python; see ../shared/bench/setup_peers.sh).
# Usage: scripts/eval_parity.sh [WORKDIR] [bytes|bpe|bpe-bos]
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/work/peers/bin/python}
WORK=${1:-/tmp/ipt-eval-parity}
MODE=${2:-bytes}
swift build --product ipt >/dev/null
exec "$PYTHON" scripts/eval_parity.py "$(swift build --show-bin-path)/ipt" "$WORK" "$MODE"
