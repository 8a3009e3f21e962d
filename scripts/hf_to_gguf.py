#!/usr/bin/env python3
"""Write a GGUF file (llama.cpp's model format, f32) for a Llama/Mistral model in Hugging Face format.

Only for the CI's synthesis server test (scripts/synth_server_test.sh): llama.cpp's own converter
needs torch and transformers; this needs only the `gguf` and `numpy` PyPI packages. It handles what
`ipt model init` writes: one model.safetensors of f32 tensors, a GPT-2-style byte-level BPE
tokenizer.json (what `ipt tokenizer train` writes), no sliding window.

    python scripts/hf_to_gguf.py MODEL_DIR TOKENIZER_JSON OUT.gguf
"""
import json
import struct
import sys
from pathlib import Path

import gguf
import numpy as np


def read_safetensors(path):
    """Tensors of a safetensors file as numpy arrays: 8-byte little-endian header size, JSON header, data."""
    raw = path.read_bytes()
    (header_size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_size])
    data = memoryview(raw)[8 + header_size :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name} is {info['dtype']}; only F32 models are converted")
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"]).copy()
    return tensors


def permute_for_rope(weights, n_head):
    """HF stores q/k rows for rotate_half (the two halves of each head rotate together); llama.cpp's
    "llama" architecture rotates adjacent pairs, so each head's rows are interleaved: row i of the
    first half and row i of the second half become rows 2i and 2i+1."""
    rows = weights.shape[0]
    return weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def tensor_name(hf_name):
    """llama.cpp's tensor name for a HF Llama/Mistral tensor name."""
    fixed = {
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    if hf_name in fixed:
        return fixed[hf_name]
    parts = hf_name.split(".")  # model.layers.N.<module>.<proj>.weight
    if parts[:2] != ["model", "layers"]:
        sys.exit(f"unknown tensor {hf_name}")
    block = parts[2]
    module = ".".join(parts[3:-1])
    names = {
        "self_attn.q_proj": "attn_q",
        "self_attn.k_proj": "attn_k",
        "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
        "input_layernorm": "attn_norm",
        "post_attention_layernorm": "ffn_norm",
    }
    if module not in names:
        sys.exit(f"unknown tensor {hf_name}")
    return f"blk.{block}.{names[module]}.{parts[-1]}"


def add_tokenizer(writer, tokenizer, vocab_size):
    model = tokenizer["model"]
    if model.get("type") != "BPE":
        sys.exit("tokenizer.json: only byte-level BPE tokenizers are converted")
    specials = {t["id"] for t in tokenizer.get("added_tokens", []) if t.get("special")}
    id_to_token = {i: t for t, i in model["vocab"].items()}
    for t in tokenizer.get("added_tokens", []):
        id_to_token[t["id"]] = t["content"]
    if len(id_to_token) != vocab_size or set(id_to_token) != set(range(vocab_size)):
        sys.exit(f"tokenizer.json has {len(id_to_token)} tokens; the model's vocab_size is {vocab_size}")
    tokens = [id_to_token[i] for i in range(vocab_size)]
    types = [gguf.TokenType.CONTROL if i in specials else gguf.TokenType.NORMAL for i in range(vocab_size)]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    return tokens


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, tokenizer_path, out = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    config = json.loads((model_dir / "config.json").read_text())
    tokenizer = json.loads(Path(tokenizer_path).read_text())
    n_head = config["num_attention_heads"]
    n_kv = config.get("num_key_value_heads", n_head)
    hidden = config["hidden_size"]
    head_dim = config.get("head_dim") or hidden // n_head

    writer = gguf.GGUFWriter(out, "llama")
    writer.add_name(model_dir.name)
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(hidden)
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_rope_freq_base(float(config.get("rope_theta", 10000.0)))
    writer.add_layer_norm_rms_eps(float(config["rms_norm_eps"]))
    writer.add_rope_dimension_count(head_dim)
    if head_dim != hidden // n_head:
        writer.add_key_length(head_dim)
        writer.add_value_length(head_dim)
    writer.add_vocab_size(config["vocab_size"])
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    add_tokenizer(writer, tokenizer, config["vocab_size"])
    writer.add_bos_token_id(config.get("bos_token_id", 0))
    writer.add_eos_token_id(config.get("eos_token_id", 1))
    writer.add_add_bos_token(False)

    tensors = read_safetensors(model_dir / "model.safetensors")
    if config.get("tie_word_embeddings") and "lm_head.weight" not in tensors:
        tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"]
    for hf_name in sorted(tensors):
        data = tensors[hf_name]
        if hf_name.endswith("self_attn.q_proj.weight"):
            data = permute_for_rope(data, n_head)
        elif hf_name.endswith("self_attn.k_proj.weight"):
            data = permute_for_rope(data, n_kv)
        writer.add_tensor(tensor_name(hf_name), np.ascontiguousarray(data, dtype=np.float32))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
