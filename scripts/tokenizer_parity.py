"""Cross-check InstructPT's tokenizer against Hugging Face `tokenizers` (peer comparison only;
the project itself never needs Python).

Run from the repository root after `swift build -c release`:

    cd /tmp && /work/peers/bin/python /work/shared/bench/make_man_corpus.py 3000   # man.jsonl
    /work/peers/bin/python scripts/tokenizer_parity.py /tmp/man.jsonl --ipt .build/release/ipt

Checks, each printed as one JSON line and summed up at the end:
  1. hf-trained byte-level BPE (tok_peer.py's recipe): `ipt tokenizer encode` ids == HF ids on
     every corpus text and on edge cases (empty, white-space runs, emoji, CJK, control
     characters, combining marks, very long words, contractions, added tokens in text);
  2. `ipt tokenizer train` on the same corpus: its tokenizer.json loads in HF and HF's ids ==
     ours; how many merges agree with HF's own training, in order;
  3. SentencePiece-style BPE (Llama-2 legacy normalizer form and Metaspace form, byte
     fallback, TemplateProcessing <s>) built by HF: ids equal, with and without special tokens.
Exit status 1 if any id comparison differs.
"""
import argparse, json, os, subprocess, sys, tempfile

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, "/work/shared/bench")
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, decoders, processors, trainers  # noqa: E402
import tok_peer  # noqa: E402

EDGE_CASES = [
    "", " ", "  ", "\n", "\n\n\n", " \n ", "\t\t x", "a  b   c    d", "trailing spaces   ", "   leading",
    "tabs\tand\r\nwindows\r\nlines", "\u00a0non-breaking\u00a0space", "ideographic\u3000space", "\u2028line sep\u2029",
    "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵", "CJK 中文字符测试，日本語のテキスト、한국어 텍스트", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "control \x00\x01\x02\x07\x1b[31mred\x1b[0m\x7f \x85 end", "combining e\u0301 a\u0308 n\u0303 \u0301\u0301\u0301 alone",
    "Zalgo h\u0336\u0317e\u0335\u0353l\u0334\u031el\u0337o", "x" * 5000, "ab" * 3000 + " " + "\u00e9" * 2000,
    "don't I'm you're we've they'll he'd it's 'S 'T 'Re DON'T ''s '''", "O'Neil's rock'n'roll 'quoted'",
    "numbers 123 4567890 ١٢٣ ⅷ ½ ²³ 3.14159 1,000,000", "math ∑∫√∞ ≠ ≤ ≥ → ← ⇒", "RTL עברית العربية",
    "<s>hello</s> <unk> <s><s> </s>x<s", "code: if (x != y) { return a->b[i]; } // comment",
    "URL https://example.com/path?q=1&r=2#frag", "mixed123abc 123abc abc123 _under_score__",
    "a" + "\u200b" + "b zero width \u200d joiner \ufeff bom", "\U0001d400\U0001d401 math letters \U00010400 deseret",
    "surrogates-free 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "  \n  \n  end", "x\n", "\n x", " ' s", "'", "'ll'", "!'s", "a!'sb",
]


def ipt_encode(ipt, tokenizer, texts, special=False):
    payload = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode()
    args = [ipt, "tokenizer", "encode", "--tokenizer", tokenizer] + (["--add-special-tokens"] if special else [])
    out = subprocess.run(args, input=payload, capture_output=True, check=True).stdout.decode().splitlines()
    return [json.loads(line)["ids"] for line in out]


def compare(label, tok, ipt, path, texts, special=False):
    ours = ipt_encode(ipt, path, texts, special)
    theirs = [tok.encode(t, add_special_tokens=special).ids for t in texts]
    bad = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    if len(ours) != len(theirs):
        bad = bad or [len(theirs)]
    result = {"check": label, "texts": len(texts), "tokens": sum(map(len, theirs)), "mismatches": len(bad)}
    if bad:
        i = bad[0]
        result["first_mismatch"] = {"index": i, "text": texts[i][:200], "ours": ours[i][:40] if i < len(ours) else None,
                                    "hf": theirs[i][:40]}
    print(json.dumps(result, ensure_ascii=False))
    return not bad


def sentencepiece_tokenizers(corpus, workdir):
    """Two Llama/Mistral-shaped BPE tokenizers with byte fallback, trained by HF on the corpus."""
    byte_tokens = [f"<0x{b:02X}>" for b in range(256)]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=3000, special_tokens=["<unk>", "<s>", "</s>"] + byte_tokens,
                                  limit_alphabet=150, show_progress=False)
    tok.train_from_iterator(corpus[:500], trainer)
    template = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    legacy = Tokenizer.from_str(tok.to_str())
    legacy.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    legacy.pre_tokenizer = None
    legacy.post_processor = template
    legacy.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    modern = Tokenizer.from_str(tok.to_str())
    modern.normalizer = None
    modern.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    modern.post_processor = template
    modern.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    paths = {}
    for name, t in [("llama-legacy", legacy), ("metaspace-first", modern)]:
        paths[name] = os.path.join(workdir, f"sp-{name}.json")
        t.save(paths[name])
    return {"llama-legacy": legacy, "metaspace-first": modern}, paths


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--ipt", default=".build/release/ipt")
    parser.add_argument("--vocab", type=int, default=8192)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="tok-parity-")
    os.makedirs(workdir, exist_ok=True)
    corpus = tok_peer.texts(args.corpus)
    ok = True

    # 1. HF-trained byte-level BPE, our encoder.
    hf_path = os.path.join(workdir, "hf.json")
    hf_tok, _ = tok_peer.train(corpus, args.vocab, hf_path)
    ok &= compare("hf-trained: corpus", hf_tok, args.ipt, hf_path, corpus)
    ok &= compare("hf-trained: edge cases", hf_tok, args.ipt, hf_path, EDGE_CASES)

    # 2. Our training; HF loads what we wrote.
    db = os.path.join(workdir, "parity.db")
    ours_path = os.path.join(workdir, "ours.json")
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([args.ipt, "ingest", args.corpus, "--db", db, "--source", "man"], check=True, capture_output=True)
    subprocess.run([args.ipt, "tokenizer", "train", "--db", db, "--vocab-size", str(args.vocab), "--name", "ours",
                    "--out", ours_path], check=True, capture_output=True)
    ours_tok = Tokenizer.from_file(ours_path)
    # The database de-duplicates texts, so train HF on the same de-duplicated list for the merge comparison.
    unique = list(dict.fromkeys(corpus))
    if len(unique) != len(corpus):
        hf_tok, _ = tok_peer.train(unique, args.vocab, os.path.join(workdir, "hf-unique.json"))
    ok &= compare("ours loaded in HF: corpus", ours_tok, args.ipt, ours_path, corpus)
    ok &= compare("ours loaded in HF: edge cases", ours_tok, args.ipt, ours_path, EDGE_CASES)
    ours_model = json.loads(open(ours_path).read())["model"]
    hf_model = json.loads(hf_tok.to_str())["model"]
    to_pair = lambda m: tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1))
    om, hm = [to_pair(m) for m in ours_model["merges"]], [to_pair(m) for m in hf_model["merges"]]
    prefix = next((i for i, (a, b) in enumerate(zip(om, hm)) if a != b), min(len(om), len(hm)))
    print(json.dumps({"check": "training vs HF", "our_merges": len(om), "hf_merges": len(hm),
                      "identical_merge_prefix": prefix, "merges_identical": om == hm,
                      "vocab_identical": ours_model["vocab"] == hf_model["vocab"]}))

    # 3. SentencePiece-style tokenizers.
    sp, sp_paths = sentencepiece_tokenizers(corpus, workdir)
    sample = corpus[:300] + EDGE_CASES
    for name, tok in sp.items():
        ok &= compare(f"sentencepiece {name}", tok, args.ipt, sp_paths[name], sample)
        ok &= compare(f"sentencepiece {name} +special", tok, args.ipt, sp_paths[name], sample, special=True)

    print(json.dumps({"all_ids_identical": bool(ok), "workdir": workdir}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
