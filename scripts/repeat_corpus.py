"""Repeat a JSONL corpus with distinct suffixes until it holds at least N bytes of text.

Usage: python3 scripts/repeat_corpus.py man.jsonl BYTES out.jsonl
Each copy k keeps every text and appends "\n[copy k]\n", so every text stays distinct (the
corpus deduplicates by content hash). Used to build the 600M-token snapshot benchmark.
"""
import json, sys

source, target, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = [json.loads(line) for line in open(source, encoding="utf-8")]
written = copies = 0
with open(out, "w", encoding="utf-8") as f:
    while written < target:
        for d in docs:
            text = d["text"] + f"\n[copy {copies}]\n"
            f.write(json.dumps({"id": f"{d['id']}#{copies}", "text": text}) + "\n")
            written += len(text.encode("utf-8"))
        copies += 1
print(copies, "copies,", written, "bytes of text")
