"""Parity of `ipt eval` with lm-evaluation-harness (Python is used for this check only).

Usage:
    /work/peers/bin/python scripts/eval_parity.py IPT_BINARY WORKDIR [bytes|bpe|bpe-bos]

Builds, under WORKDIR, a small random HF Mistral model with its tokenizer.json (`bytes`: a
byte-level BPE with no merges, ids = UTF-8 bytes, scored by `ipt eval --tokenizer raw-bytes`;
`bpe`: a 512-token byte-level BPE trained on the task's own text, read by ipt from the model
directory; `bpe-bos`: the same with a post-processor that prepends <s>, as Llama's does), a JSONL multiple-choice task (test + train items; unicode choices, contexts with
trailing white space) and a local lm-eval task YAML over the same file. Then it runs

    lm_eval --model hf --model_args pretrained=MODEL,dtype=float32 --tasks ipt_parity
            --include_path WORKDIR/tasks --device cpu --log_samples

and `ipt eval --model MODEL --task parity`, and compares acc / acc_norm and every item's
per-choice log-likelihood (lm-eval's samples vs our eval_results) — 0-shot, and 2-shot with the
harness's deterministic `first_n` few-shot sampler (`--fewshot-sampler first_n`), which checks
the few-shot prompt format too. Exits non-zero on mismatch.
"""
import glob, json, os, random, sqlite3, subprocess, sys

ipt, work = sys.argv[1], os.path.abspath(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else "bytes"
os.makedirs(work, exist_ok=True)
os.environ.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers, processors
from transformers import MistralConfig, MistralForCausalLM, PreTrainedTokenizerFast

# --- the task -----------------------------------------------------------------------------
rng = random.Random(7)
words = ["river", "stone", "garden", "winter", "copper", "lantern", "harbor", "meadow", "north", "silver",
         "café", "naïve", "über", "crème", "Zürich", "señor", "déjà vu", "smörgåsbord"]
def item(i, split):
    a, b = rng.sample(words, 2)
    ending = rng.choice(["", " ", "\n", ":", "?"])
    context = f"Item {i}: the {a} is near the {b}. What is near the {a}?{ending}"
    choices = rng.sample(words, rng.choice([2, 3, 4]))
    if b not in choices:
        choices[rng.randrange(len(choices))] = b
    return {"context": context, "choices": choices, "gold": choices.index(b), "split": split}
test = [item(i, "test") for i in range(60)]
train = [item(100 + i, "train") for i in range(10)]
with open(f"{work}/parity.jsonl", "w") as f:
    for row in test + train:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
for name, rows in [("test", test), ("train", train)]:
    with open(f"{work}/{name}.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

# --- tokenizer and model ------------------------------------------------------------------
model_dir = f"{work}/model-{mode}"
if mode == "bytes":
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    # GPT-2's byte ↔ character table: id of each byte's character = the byte.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    vocab = {chr(c): b for b, c in zip(bs, cs)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<s>"])
    vocab_size = 257
else:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=512, special_tokens=["<s>", "</s>", "<unk>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([r["context"] + " " + " ".join(r["choices"]) for r in test + train] * 3, trainer)
    vocab_size = tok.get_vocab_size()
    if mode == "bpe-bos":
        # Llama-style: the post-processor puts <s> before every encoded text.
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
config = MistralConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                       rope_theta=10000.0, tie_word_embeddings=False, bos_token_id=0, eos_token_id=1,
                       initializer_range=0.3)
torch.manual_seed(0)
MistralForCausalLM(config).save_pretrained(model_dir, safe_serialization=True)
special = {"bos_token": "<s>", "eos_token": "<s>"} if mode == "bytes" else {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
PreTrainedTokenizerFast(tokenizer_object=tok, **special).save_pretrained(model_dir)

# --- lm-eval ------------------------------------------------------------------------------
os.makedirs(f"{work}/tasks", exist_ok=True)
with open(f"{work}/tasks/ipt_parity.yaml", "w") as f:
    f.write(f"""task: ipt_parity
dataset_path: json
dataset_kwargs:
  data_files:
    test: {work}/test.jsonl
    train: {work}/train.jsonl
output_type: multiple_choice
test_split: test
fewshot_split: train
doc_to_text: context
doc_to_choice: choices
doc_to_target: gold
metric_list:
  - metric: acc
  - metric: acc_norm
""")
# The same task with the harness's deterministic first_n few-shot sampler, so the few-shot
# prompts (and their joining) can be compared exactly.
with open(f"{work}/tasks/ipt_parity_first_n.yaml", "w") as f:
    f.write(open(f"{work}/tasks/ipt_parity.yaml").read().replace("task: ipt_parity", "task: ipt_parity_first_n")
            + "fewshot_config:\n  sampler: first_n\n")
lm_eval = os.path.join(os.path.dirname(sys.executable), "lm_eval")
db = f"{work}/parity-{mode}.db"
if os.path.exists(db):
    os.remove(db)
subprocess.run([ipt, "eval", "import", f"{work}/parity.jsonl", "--name", "parity", "--db", db], check=True, capture_output=True)

def compare(task, shots, sampler):
    out_dir = f"{work}/lm_eval_out-{mode}-{task}-{shots}"
    subprocess.run([lm_eval, "--model", "hf", "--model_args", f"pretrained={model_dir},dtype=float32",
                    "--tasks", task, "--include_path", f"{work}/tasks", "--device", "cpu",
                    "--batch_size", "8", "--num_fewshot", str(shots), "--output_path", out_dir, "--log_samples"],
                   check=True, capture_output=True, text=True)
    results_file = sorted(glob.glob(f"{out_dir}/**/results_*.json", recursive=True))[-1]
    harness = json.load(open(results_file))["results"][task]
    samples_file = sorted(glob.glob(f"{out_dir}/**/samples_{task}_*.jsonl", recursive=True))[-1]
    harness_lls = {}
    for line in open(samples_file):
        s = json.loads(line)
        harness_lls[s["doc_id"]] = [float(r[0][0]) for r in s["resps"]]
    args = [ipt, "eval", "--db", db, "--model", model_dir, "--task", "parity", "--shots", str(shots), "--fewshot-sampler", sampler]
    if mode == "bytes":
        args += ["--tokenizer", "raw-bytes"]
    ours = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    con = sqlite3.connect(db)
    rows = con.execute("""SELECT i.line, e.logprobs FROM eval_results e JOIN eval_items i ON i.id = e.item_id
                          WHERE e.run_id = ? ORDER BY i.line""", (ours["run"],)).fetchall()
    our_lls = [json.loads(lp) for _, lp in rows]
    max_diff = max(abs(a - b) for doc_id, lls in harness_lls.items() for a, b in zip(lls, our_lls[doc_id]))
    # The smallest gap between the best and second-best choice: how far argmax parity is from a coin flip.
    min_gap = min(sorted(harness_lls[i], reverse=True)[0] - sorted(harness_lls[i], reverse=True)[1] for i in range(len(test)))
    report = {
        "mode": mode, "task": task, "shots": shots, "items": len(test),
        "lm_eval": {"acc": harness["acc,none"], "acc_stderr": harness["acc_stderr,none"],
                    "acc_norm": harness["acc_norm,none"], "acc_norm_stderr": harness["acc_norm_stderr,none"]},
        "ipt": {"acc": ours["acc"], "acc_stderr": ours["acc_stderr"], "acc_norm": ours["acc_norm"], "acc_norm_stderr": ours["acc_norm_stderr"]},
        "max_abs_loglikelihood_diff": max_diff, "min_acc_margin": min_gap,
    }
    ok = (abs(report["lm_eval"]["acc"] - ours["acc"]) < 1e-12 and abs(report["lm_eval"]["acc_norm"] - ours["acc_norm"]) < 1e-12
          and abs(report["lm_eval"]["acc_stderr"] - ours["acc_stderr"]) < 1e-9 and max_diff < 1e-3 and len(harness_lls) == len(our_lls))
    return report, ok

all_ok = True
for task, shots, sampler in [("ipt_parity", 0, "random"), ("ipt_parity_first_n", 2, "first_n")]:
    report, ok = compare(task, shots, sampler)
    all_ok = all_ok and ok
    print(json.dumps(report))
print("PARITY OK" if all_ok else "PARITY MISMATCH")
sys.exit(0 if all_ok else 1)
