-- Templify in the reference's shape (issue 16): an entry of a chain with no usable pairs becomes
-- a text of its own (mode 'raw'), so one chain can give several rows, numbered by `part`; the
-- new per-text choices are recorded so every row still rebuilds byte-for-byte. SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt; its raw-text links are kept aside
-- first, because dropping the old table would otherwise cascade-delete them.
CREATE TEMP TABLE augmented_text_raw_texts_kept AS SELECT * FROM augmented_text_raw_texts;
DROP TABLE augmented_text_raw_texts;
ALTER TABLE augmented_texts RENAME TO augmented_texts_before_0010;

-- One pre-training text made from one chain of a synthesis run with one seed. The chain is
-- keyed by its first request; its randomness is SeededGenerator(seed, stream: first_request_id).
-- Part 0 is the chain's formatted text (its entries with usable pairs, laid out by the mode);
-- each entry without usable pairs follows as a part of its own, its raw text unchanged.
CREATE TABLE augmented_texts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES synth_runs(id),
    first_request_id INTEGER NOT NULL REFERENCES synth_requests(id),
    part INTEGER NOT NULL DEFAULT 0 CHECK (part >= 0),
    seed INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('classic', 'dialog', 'numbered', 'inline_few_shot', 'next_turn_dialog', 'raw')),
    inverted INTEGER NOT NULL CHECK (inverted IN (0, 1)),
    bare_text INTEGER NOT NULL DEFAULT 0 CHECK (bare_text IN (0, 1)),           -- classic: nothing before the text
    no_header INTEGER NOT NULL DEFAULT 0 CHECK (no_header IN (0, 1)),           -- classic: no line introducing the pairs
    hidden_options INTEGER NOT NULL DEFAULT 0 CHECK (hidden_options IN (0, 1)), -- options questions shown without their options
    template_ids TEXT NOT NULL,        -- JSON array of templates(id), in order of first use
    option_orders TEXT NOT NULL,       -- JSON [{"pair": id, "order": [original option index per position]}]
    request_ids TEXT NOT NULL,         -- JSON array: the requests whose texts this text holds, oldest first
    raw_text_ids TEXT NOT NULL,        -- JSON array: their raw texts, in the same order
    pair_ids TEXT NOT NULL,            -- JSON array: the usable pairs formatted, in text order
    text TEXT NOT NULL,
    sha256 BLOB NOT NULL,              -- SHA-256 of text
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (run_id, seed, first_request_id, part)
);
INSERT INTO augmented_texts (id, run_id, first_request_id, part, seed, mode, inverted, template_ids, option_orders,
                             request_ids, raw_text_ids, pair_ids, text, sha256, created_at)
SELECT id, run_id, first_request_id, 0, seed, mode, inverted, template_ids, option_orders,
       request_ids, raw_text_ids, pair_ids, text, sha256, created_at
FROM augmented_texts_before_0010;
DROP TABLE augmented_texts_before_0010;
CREATE INDEX augmented_texts_by_mode ON augmented_texts(run_id, seed, mode);

-- Which raw texts an augmented text contains, in order: lineage queries are plain joins.
CREATE TABLE augmented_text_raw_texts (
    augmented_text_id INTEGER NOT NULL REFERENCES augmented_texts(id) ON DELETE CASCADE,
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    position INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (augmented_text_id, position)
) WITHOUT ROWID;
INSERT INTO augmented_text_raw_texts SELECT * FROM augmented_text_raw_texts_kept;
DROP TABLE augmented_text_raw_texts_kept;
CREATE INDEX augmented_text_raw_texts_by_raw_text ON augmented_text_raw_texts(raw_text_id);
