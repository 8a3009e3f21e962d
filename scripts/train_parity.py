"""Training parity: `ipt train` against PyTorch + transformers on the same start and data.

Builds a small database (a seeded word corpus, byte tokenizer, one raw mixture, a snapshot of
64-token sequences), writes a random Mistral with `ipt model init`, trains it with
`ipt train --init-model` for STEPS steps with every sequence in every batch (so the data order
cannot differ), then replays the same steps in PyTorch: MistralForCausalLM.from_pretrained on
the same directory, torch.optim.AdamW with the norm gains undecayed, the same warmup + cosine
learning rate and clip_grad_norm_. Prints the per-step loss, learning rate and gradient norm of
both and exits non-zero when a loss differs by more than TOLERANCE (relative).

Usage: python scripts/train_parity.py [IPT] [STEPS]   (IPT defaults to .build/release/ipt)
Needs torch and transformers (the peer venv); the project itself does not.
"""
import json, math, os, random, subprocess, sys, tempfile
import torch
from transformers import MistralForCausalLM

IPT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/ipt")
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
TOLERANCE = 1e-5
LR, WARMUP, MIN_RATIO, DECAY, BETAS, CLIP = 1e-3, 5, 0.1, 0.1, (0.9, 0.95), 1.0


def ipt(*args):
    return subprocess.run([IPT, *args], check=True, capture_output=True, text=True).stdout


def main():
    work = tempfile.mkdtemp(prefix="ipt-train-parity-")
    db = os.path.join(work, "parity.db")
    rng = random.Random(0)
    words = ["model", "data", "token", "train", "pair", "text", "query", "answer", "the", "of", "and", "a", "to", "in", "is"]
    with open(os.path.join(work, "corpus.jsonl"), "w") as f:
        for i in range(40):
            f.write(json.dumps({"text": " ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) + "."}) + "\n")
    ipt("init", "--db", db)
    ipt("ingest", os.path.join(work, "corpus.jsonl"), "--db", db, "--source", "parity")
    ipt("mix", "create", "parity", "--db", db, "--component", "raw:source=parity")
    ipt("snapshot", "create", "--db", db, "--mixture", "parity", "--tokenizer", "bytes", "--seq-len", "64", "--seed", "0")
    export = os.path.join(work, "export")
    ipt("snapshot", "export", "--db", db, "1", "--format", "jsonl", "--out", export)
    with open(os.path.join(export, "snapshot.jsonl")) as f:
        sequences = [json.loads(line)["input_ids"] for line in f]
    batch = len(sequences)

    config = {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "vocab_size": 320, "hidden_size": 64,
              "intermediate_size": 176, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
              "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": False,
              "hidden_act": "silu", "torch_dtype": "float32", "bos_token_id": 0, "eos_token_id": 1}
    with open(os.path.join(work, "config.json"), "w") as f:
        json.dump(config, f)
    init = os.path.join(work, "init")
    ipt("model", "init", "--config", os.path.join(work, "config.json"), "--seed", "3", "--out", init)
    ipt("train", "--db", db, "--snapshot", "1", "--init-model", init, "--steps", str(STEPS), "--seed", "0",
        "--batch-size", str(batch), "--lr", str(LR), "--warmup", str(WARMUP), "--out", os.path.join(work, "run"))
    rows = [json.loads(line) for line in ipt("sql", "--db", db, "--format", "jsonl",
                                             "SELECT step, loss, lr, grad_norm FROM train_metrics ORDER BY step").splitlines()]

    torch.manual_seed(0)
    model = MistralForCausalLM.from_pretrained(init, torch_dtype=torch.float32)
    model.train()
    decayed = [p for p in model.parameters() if p.dim() > 1]
    undecayed = [p for p in model.parameters() if p.dim() == 1]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": DECAY}, {"params": undecayed, "weight_decay": 0.0}],
                                  lr=LR, betas=BETAS, eps=1e-8)
    x = torch.tensor(sequences)

    def learning_rate(step):
        if step < WARMUP:
            return LR * (step + 1) / WARMUP
        progress = min((step - WARMUP) / max(STEPS - WARMUP, 1), 1.0)
        return LR * MIN_RATIO + 0.5 * (1 + math.cos(math.pi * progress)) * (LR - LR * MIN_RATIO)

    worst = 0.0
    print(f"{batch} sequences of 64 tokens per step, {sum(p.numel() for p in model.parameters())} parameters")
    print("step  loss ipt    loss torch   rel diff   lr ipt     lr torch   norm ipt  norm torch")
    for step in range(STEPS):
        loss = model(input_ids=x, labels=x).loss
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP).item()
        lr = learning_rate(step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        ours = rows[step]
        difference = abs(ours["loss"] - loss.item()) / loss.item()
        worst = max(worst, difference)
        print(f"{step + 1:4d}  {ours['loss']:.6f}   {loss.item():.6f}   {difference:.2e}   {ours['lr']:.3e}  {lr:.3e}  {ours['grad_norm']:.4f}    {norm:.4f}")
    print(json.dumps({"check": "train_loss", "steps": STEPS, "max_rel_diff": worst, "ok": worst <= TOLERANCE}))
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
