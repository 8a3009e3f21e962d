-- Templating: the instruction-format template catalog, and the instruction-augmented texts
-- templify makes from synthesized chains, with every choice recorded so each text can be
-- rebuilt byte-for-byte from its row.

-- One template of the catalog (templates/*.json), loaded by `ipt templates load` or templify.
-- A (family, name, version) is never reloaded with other content: a new wording is a new version.
CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,                -- JSON object: part name -> pattern with {placeholders}
    sha256 BLOB NOT NULL UNIQUE,       -- SHA-256 of family, name, version and body
    source_file TEXT NOT NULL,         -- the catalog file it came from
    loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (family, name, version)
);

-- One pre-training text made from one chain of a synthesis run with one seed. The chain is
-- keyed by its first request; its randomness is SeededGenerator(seed, stream: first_request_id).
CREATE TABLE augmented_texts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES synth_runs(id),
    first_request_id INTEGER NOT NULL REFERENCES synth_requests(id),
    seed INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('classic', 'dialog', 'numbered', 'inline_few_shot', 'next_turn_dialog')),
    inverted INTEGER NOT NULL CHECK (inverted IN (0, 1)),
    template_ids TEXT NOT NULL,        -- JSON array of templates(id), in order of first use
    option_orders TEXT NOT NULL,       -- JSON [{"pair": id, "order": [original option index per position]}]
    request_ids TEXT NOT NULL,         -- JSON array: the chain's requests, oldest first
    raw_text_ids TEXT NOT NULL,        -- JSON array: their raw texts, in the same order
    pair_ids TEXT NOT NULL,            -- JSON array: the usable pairs formatted, in text order
    text TEXT NOT NULL,
    sha256 BLOB NOT NULL,              -- SHA-256 of text
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (run_id, seed, first_request_id)
);
CREATE INDEX augmented_texts_by_mode ON augmented_texts(run_id, seed, mode);

-- Which raw texts an augmented text contains, in order: lineage queries are plain joins.
CREATE TABLE augmented_text_raw_texts (
    augmented_text_id INTEGER NOT NULL REFERENCES augmented_texts(id) ON DELETE CASCADE,
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    position INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (augmented_text_id, position)
) WITHOUT ROWID;
CREATE INDEX augmented_text_raw_texts_by_raw_text ON augmented_text_raw_texts(raw_text_id);
