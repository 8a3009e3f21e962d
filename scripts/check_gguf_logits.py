#!/usr/bin/env python3
"""Check a GGUF written by scripts/hf_to_gguf.py: llama.cpp's logits (llama-cpp-python) for a token
sequence must equal `ipt model logits` on the Hugging Face model it came from.

    python scripts/check_gguf_logits.py IPT MODEL_DIR MODEL.gguf [TOLERANCE]

Exits non-zero, printing the largest difference, when any logit differs by more than TOLERANCE
(default 1e-3). A wrong q/k permutation, tensor name or norm epsilon shows up here, not as "it loads".
"""
import json
import subprocess
import sys

import numpy as np
from llama_cpp import Llama


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    ipt, model_dir, gguf_path = sys.argv[1:4]
    tolerance = float(sys.argv[4]) if len(sys.argv) == 5 else 1e-3
    config = json.load(open(f"{model_dir}/config.json"))
    vocab = config["vocab_size"]
    # Ids across the vocabulary, long enough that rotary positions beyond the first few matter.
    ids = [(7 + 37 * i) % vocab for i in range(24)]

    out = subprocess.run([ipt, "model", "logits", "--model", model_dir, "--ids", ",".join(map(str, ids))],
                         check=True, capture_output=True, text=True).stdout
    expected = np.array(json.loads(out)["logits"], dtype=np.float64)

    llm = Llama(model_path=gguf_path, n_ctx=64, logits_all=True, n_threads=2, verbose=False)
    llm.eval(ids)
    actual = np.array(llm.scores[: len(ids)], dtype=np.float64)

    if actual.shape != expected.shape:
        sys.exit(f"logit shapes differ: llama.cpp {actual.shape}, ipt {expected.shape}")
    worst = float(np.max(np.abs(actual - expected)))
    scale = float(np.max(np.abs(expected)))
    print(f"llama.cpp vs ipt logits: {len(ids)} positions x {vocab}, max |diff| {worst:.2e} (max |logit| {scale:.2e})")
    if worst > tolerance:
        sys.exit(f"FAIL: max |diff| {worst:.2e} > {tolerance:.0e}")


if __name__ == "__main__":
    main()
