-- InstructPT: the whole current schema, as applying migrations/ in order produces it.
-- A test (StoreTests) proves that the two agree. Edit a migration, then this file.

-- Store ---------------------------------------------------------------------------------------

-- Every migration applied to this database, in order; `sha256` is the migration file's hash.
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Corpus (0001) -------------------------------------------------------------------------------

-- A named origin of raw texts ("man-pages", "pubmed-2024"). Chosen with `ipt ingest --source`.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per input file read by `ipt ingest`: what was read and what it added.
CREATE TABLE ingests (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    path TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('jsonl', 'text')),
    split TEXT NOT NULL CHECK (split IN ('train', 'heldout')),
    bytes_read INTEGER NOT NULL,
    texts_added INTEGER NOT NULL,
    texts_duplicate INTEGER NOT NULL,
    lines_skipped INTEGER NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A raw text, stored once: its SHA-256 (of the UTF-8 bytes) is unique across the database.
CREATE TABLE raw_texts (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    ingest_id INTEGER REFERENCES ingests(id),
    external_id TEXT,
    split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'heldout')),
    text TEXT NOT NULL CHECK (length(text) > 0),
    sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
    char_count INTEGER NOT NULL,
    byte_count INTEGER NOT NULL
);
CREATE INDEX raw_texts_by_source_split ON raw_texts(source_id, split);
CREATE INDEX raw_texts_by_external_id ON raw_texts(external_id);

-- Full-text index over raw_texts.text (external content: the text is stored once).
CREATE VIRTUAL TABLE raw_texts_fts USING fts5(text, content = 'raw_texts', content_rowid = 'id');
CREATE TRIGGER raw_texts_fts_insert AFTER INSERT ON raw_texts BEGIN
    INSERT INTO raw_texts_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER raw_texts_fts_delete AFTER DELETE ON raw_texts BEGIN
    INSERT INTO raw_texts_fts(raw_texts_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER raw_texts_fts_update AFTER UPDATE OF text ON raw_texts BEGIN
    INSERT INTO raw_texts_fts(raw_texts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO raw_texts_fts(rowid, text) VALUES (new.id, new.text);
END;

-- Tokenization (0002) -------------------------------------------------------------------------

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
