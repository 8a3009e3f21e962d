"""Cross-check of the Swift decoder against transformers (Python is used for this check only).

Usage:
    /work/peers/bin/python scripts/model_parity.py IPT_BINARY MODEL_DIR [MODEL_DIR ...]

For each HF model directory (e.g. written by ../shared/bench/make_models.py):
  1. logits of `ipt model logits` vs MistralForCausalLM float32 logits at every position (max abs diff ≤ 1e-4);
  2. `ipt model generate` greedy ids vs transformers' greedy generate;
then a model written by `ipt model init` (tiny config) loads in transformers with the same logits,
and a small LlamaForCausalLM with tied embeddings, GQA and rope_theta 500000 (written here by transformers)
gives the same logits.
Exits non-zero if any check fails.
"""
import json, subprocess, sys, tempfile
import numpy as np, torch
from transformers import AutoModelForCausalLM

ipt, dirs = sys.argv[1], sys.argv[2:]
torch.set_num_threads(2)
failed = False

def ipt_json(*args):
    out = subprocess.run([ipt, "model", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)

def check_logits(model_dir, ids, label):
    global failed
    hf = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    with torch.no_grad():
        ref = hf(torch.tensor([ids])).logits[0].numpy()
    ours = np.array(ipt_json("logits", "--model", model_dir, "--ids", ",".join(map(str, ids)))["logits"], dtype=np.float32)
    diff = float(np.abs(ours - ref).max()) if ours.shape == ref.shape else float("inf")
    ok = diff <= 1e-4
    failed |= not ok
    print(json.dumps({"check": "logits", "model": label, "positions": len(ids), "shape_ok": ours.shape == ref.shape, "max_abs_diff": diff, "ok": ok}))
    return hf

for model_dir in dirs:
    cfg = json.load(open(f"{model_dir}/config.json"))
    rng = np.random.default_rng(1)
    ids = [0] + rng.integers(3, cfg["vocab_size"], 127).tolist()
    hf = check_logits(model_dir, ids, model_dir)
    prompt = ids[:16]
    new = 48
    with torch.no_grad():
        x = torch.tensor([prompt])  # explicit mask: token 0 is bos here, not padding
        ref = hf.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=new, do_sample=False, pad_token_id=1)[0, len(prompt):].tolist()
    ours = ipt_json("generate", "--model", model_dir, "--ids", ",".join(map(str, prompt)), "--max-new-tokens", str(new))["ids"]
    ok = ours == ref
    failed |= not ok
    print(json.dumps({"check": "greedy_generate", "model": model_dir, "new_tokens": len(ref), "same_ids": ok, "ours": ours[:12], "transformers": ref[:12]}))

with tempfile.TemporaryDirectory() as out:
    subprocess.run([ipt, "model", "init", "--config", "tiny", "--seed", "3", "--out", out], check=True, capture_output=True)
    rng = np.random.default_rng(2)
    check_logits(out, [0] + rng.integers(3, 4096, 63).tolist(), "ipt model init --config tiny")

from transformers import LlamaConfig, LlamaForCausalLM
with tempfile.TemporaryDirectory() as out:
    cfg = LlamaConfig(vocab_size=512, hidden_size=128, intermediate_size=344, num_hidden_layers=3, num_attention_heads=8,
                      num_key_value_heads=2, rope_theta=500000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
                      max_position_embeddings=256, bos_token_id=0, eos_token_id=1)
    torch.manual_seed(0)
    LlamaForCausalLM(cfg).save_pretrained(out, safe_serialization=True)
    rng = np.random.default_rng(3)
    check_logits(out, [0] + rng.integers(3, 512, 95).tolist(), "LlamaForCausalLM tied")

sys.exit(1 if failed else 0)
