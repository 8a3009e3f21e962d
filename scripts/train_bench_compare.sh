#!/bin/sh
# Side-by-side training throughput: `ipt train bench` vs the PyTorch peer (train_tps of
# ../shared/bench/torch_peer.py, same model, batch and sequence), alternating, ROUNDS times each.
# Usage: scripts/train_bench_compare.sh [tiny|small] [ROUNDS]   (build first: swift build -c release)
# Python is only the peer here; needs the venv at /work/peers.
set -e
CONFIG=${1:-tiny}; ROUNDS=${2:-3}
IPT=${IPT:-.build/release/ipt}
PY=${PY:-/work/peers/bin/python}
BENCH=${BENCH:-/work/shared/bench}
i=1
while [ "$i" -le "$ROUNDS" ]; do
  $PY -c "import sys, json, torch; sys.path.insert(0, '$BENCH'); import torch_peer; torch.set_num_threads(2); t, n = torch_peer.train_tps('$CONFIG'); print(json.dumps({'peer': 'torch', 'config': '$CONFIG', 'train_tokens_per_s': round(t, 1)}))"
  $IPT train bench --config "$CONFIG" --runs 1 2>/dev/null
  i=$((i + 1))
done
