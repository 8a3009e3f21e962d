"""llama.cpp (llama-cpp-python, f32 GGUF) measured as ../shared/bench/llamacpp_peer.py does — 128-token
prompt eval, then 64 greedy single-stream decode steps — but with a chosen thread count and rates
per wall-clock second and per CPU-second of the process (on a shared machine, a 1-thread run's
CPU-time rate approximates its speed on an idle core).

Usage: /work/peers/bin/python scripts/llamacpp_cpu_peer.py MODEL.gguf [THREADS]
"""
import json, sys, time, numpy as np
from llama_cpp import Llama
path = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
llm = Llama(model_path=path, n_ctx=512, n_threads=threads, n_threads_batch=threads, n_batch=512, logits_all=True, verbose=False)
rng = np.random.default_rng(0); V = llm.n_vocab()
prompt = [0] + rng.integers(3, V, 127).tolist()
llm.reset(); llm.eval(prompt)  # warm-up
llm.reset(); w, c = time.perf_counter(), time.process_time(); llm.eval(prompt)
pp_wall, pp_cpu = len(prompt) / (time.perf_counter() - w), len(prompt) / (time.process_time() - c)
w, c = time.perf_counter(), time.process_time()
for _ in range(64):
    llm.eval([int(np.argmax(llm.scores[llm.n_tokens - 1]))])
dec_wall, dec_cpu = 64 / (time.perf_counter() - w), 64 / (time.process_time() - c)
print(json.dumps({"model": path, "threads": threads, "prompt_tokens_per_s": round(pp_wall, 1), "decode_tokens_per_s_b1": round(dec_wall, 1),
                  "prompt_tokens_per_cpu_s": round(pp_cpu, 1), "decode_tokens_per_cpu_s_b1": round(dec_cpu, 1)}))
