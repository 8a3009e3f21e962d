"""Reads a `ipt snapshot export --format megatron` directory with megatron-core's own
IndexedDataset and checks its token count against manifest.json (and optionally an expected
count). Usage: python3 scripts/check_megatron_export.py DIR [EXPECTED_TOKENS]
Needs megatron-core (pip install megatron-core); a benchmark peer, not a dependency of ipt.
"""
import json, sys
import numpy
from megatron.core.datasets.indexed_dataset import IndexedDataset

directory = sys.argv[1]
manifest = json.load(open(f"{directory}/manifest.json"))
dataset = IndexedDataset(f"{directory}/snapshot", mmap=True)
tokens = int(numpy.sum(dataset.sequence_lengths, dtype=numpy.int64))
first = dataset[0]
last = dataset[len(dataset) - 1]
print(json.dumps({"sequences": len(dataset), "tokens": tokens, "dtype": str(first.dtype),
                  "documents": int(len(dataset.document_indices) - 1),
                  "manifest_sequences": manifest["sequences"], "seq_len": manifest["seq_len"],
                  "first_tokens": first[:8].tolist(), "last_tokens": last[-8:].tolist()}))
assert len(dataset) == manifest["sequences"]
assert tokens == manifest["sequences"] * manifest["seq_len"]
if len(sys.argv) > 2:
    assert tokens == int(sys.argv[2]), f"{tokens} tokens, expected {sys.argv[2]}"
print("ok: megatron-core reads", tokens, "tokens")
