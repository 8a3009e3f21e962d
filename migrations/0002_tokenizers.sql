-- Tokenization: tokenizers, stored whole as Hugging Face tokenizer.json text.

-- A tokenizer, referenced by id from everything tokenized with it. `json` is the complete
-- tokenizer.json (what `ipt tokenizer export` writes back byte for byte); `sha256` is the hex
-- SHA-256 of its UTF-8 bytes. Trained tokenizers record what they were trained on.
CREATE TABLE tokenizers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('byte_level_bpe', 'sentencepiece_bpe')),
    vocab_size INTEGER NOT NULL CHECK (vocab_size > 0),
    json TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    origin TEXT NOT NULL CHECK (origin IN ('trained', 'imported')),
    imported_from TEXT,
    trained_source TEXT,
    trained_split TEXT CHECK (trained_split IN ('train', 'heldout')),
    trained_texts INTEGER,
    trained_bytes INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
