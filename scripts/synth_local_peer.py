"""Peer check of `ipt synth run --backend model:DIR`: transformers generates from the same
checkpoint and prompts (read from the run's synth_requests), greedy, stopping at </s>.

  /work/peers/bin/python scripts/synth_local_peer.py DB RUN_ID DIR [--check N] [--batch B]

--check N: the first N requests one at a time; their text must equal the stored outputs
(needs a run made with --temperature 0). Then every prompt of the run is generated in
batches of B (left padding) and texts/s is printed as JSON. A random model rarely writes
</s>, so every text then costs max-new-tokens decode steps in both engines.
"""
import argparse, json, sqlite3, time

import torch
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

parser = argparse.ArgumentParser()
parser.add_argument("db"); parser.add_argument("run", type=int); parser.add_argument("dir")
parser.add_argument("--check", type=int, default=20); parser.add_argument("--batch", type=int, default=32)
args = parser.parse_args()

torch.set_num_threads(2)
con = sqlite3.connect(args.db)
run = con.execute("SELECT max_new_tokens, temperature FROM synth_runs WHERE id = ?", (args.run,)).fetchone()
everything = con.execute("SELECT prompt, output, status FROM synth_requests WHERE run_id = ? ORDER BY id", (args.run,)).fetchall()
rows = [(p, o) for p, o, status in everything if status == "done"]
max_new = run[0]
tok = PreTrainedTokenizerFast(tokenizer_file=args.dir + "/tokenizer.json")
eos = tok.convert_tokens_to_ids("</s>")
model = AutoModelForCausalLM.from_pretrained(args.dir, torch_dtype=torch.float32).eval()


def text_of(new_ids):
    ids = list(new_ids)
    if ids and ids[-1] == eos:
        ids = ids[:-1]
    return tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


mismatches = 0
if run[1] == 0:
    with torch.no_grad():
        for prompt, stored in rows[: args.check]:
            # The prompt's leading <s> is an added token: no second BOS.
            ids = torch.tensor([tok.encode(prompt, add_special_tokens=False)])
            out = model.generate(ids, max_new_tokens=max_new, do_sample=False, eos_token_id=eos, pad_token_id=eos)
            if text_of(out[0, ids.shape[1]:].tolist()) != stored:
                mismatches += 1

tok.pad_token = "</s>"; tok.padding_side = "left"
# Timing covers every request the run has created (a run made with --no-work works too).
prompts = [p for p, _, _ in everything]
start = time.perf_counter()
with torch.no_grad():
    for i in range(0, len(prompts), args.batch):
        enc = tok(prompts[i : i + args.batch], return_tensors="pt", padding=True, add_special_tokens=False)
        model.generate(**enc, max_new_tokens=max_new, do_sample=False, eos_token_id=eos, pad_token_id=eos)
seconds = time.perf_counter() - start
print(json.dumps({"peer": "transformers", "texts": len(prompts), "seconds": round(seconds, 3),
                  "texts_per_s": round(len(prompts) / seconds, 2), "checked": min(args.check, len(rows)) if run[1] == 0 else 0,
                  "mismatches": mismatches}))
