"""Paired speed comparison of `ipt model bench` with llama.cpp (llama-cpp-python, f32 GGUF).

Usage:
    /work/peers/bin/python scripts/model_bench_vs_peers.py IPT_BINARY MODELS_DIR [ROUNDS]

MODELS_DIR holds tiny/, small/ (from ../shared/bench/make_models.py) and tiny.gguf, small.gguf
(convert_hf_to_gguf.py --outtype f32). Each round runs, per model, our batch-1 and batch-16
benchmarks and ../shared/bench/llamacpp_peer.py back to back, so both see the same machine
load; the medians over rounds and their ratios are printed as JSON.
"""
import json, statistics, subprocess, sys

ipt, models = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
peer = "/work/shared/bench/llamacpp_peer.py"

def run(cmd):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])

figures = {}
for r in range(rounds):
    for name in ["tiny", "small"]:
        b1 = run([ipt, "model", "bench", "--model", f"{models}/{name}", "--batch", "1", "--prompt-tokens", "128", "--new-tokens", "64", "--runs", "3"])
        b16 = run([ipt, "model", "bench", "--model", f"{models}/{name}", "--batch", "16", "--prompt-tokens", "128", "--new-tokens", "64", "--runs", "3"])
        ll = run([sys.executable, peer, f"{models}/{name}.gguf"])
        row = {"ours_prompt": b1["prompt_tokens_per_s"], "ours_decode_b1": b1["decode_tokens_per_s"],
               "ours_decode_b16": b16["decode_tokens_per_s"], "llamacpp_prompt": ll["prompt_tokens_per_s"],
               "llamacpp_decode_b1": ll["decode_tokens_per_s_b1"]}
        print(json.dumps({"round": r + 1, "model": name, **row}), flush=True)
        for key, value in row.items():
            figures.setdefault(name, {}).setdefault(key, []).append(value)

for name, f in figures.items():
    m = {k: statistics.median(v) for k, v in f.items()}
    paired = lambda a, b: statistics.median(x / y for x, y in zip(f[a], f[b]))
    print(json.dumps({"model": name, "medians": m,
                      "prompt_ratio": round(m["ours_prompt"] / m["llamacpp_prompt"], 2),
                      "decode_b1_ratio": round(m["ours_decode_b1"] / m["llamacpp_decode_b1"], 2),
                      "decode_b16_vs_llamacpp_b1": round(m["ours_decode_b16"] / m["llamacpp_decode_b1"], 2),
                      "paired_median_ratios": {"prompt": round(paired("ours_prompt", "llamacpp_prompt"), 2),
                                               "decode_b1": round(paired("ours_decode_b1", "llamacpp_decode_b1"), 2),
                                               "decode_b16_vs_b1": round(paired("ours_decode_b16", "llamacpp_decode_b1"), 2)}}))
