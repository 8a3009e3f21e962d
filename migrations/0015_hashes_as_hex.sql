-- One hash representation: every SHA-256 in the database is lowercase hex TEXT, the form the
-- other tables (tokenizers, snapshots, checkpoints, eval_tasks, …) already use and the one
-- `ipt sql` and sqlite3 users can read and compare. The four columns that held the 32 raw
-- bytes are converted in place with lower(hex(…)); every other value is kept.
--
-- SQLite cannot change a column's type, so each table is rebuilt: the old one is renamed
-- aside, the new one created under the real name, the rows copied, the old one dropped, and
-- its indexes and triggers created again. The migrator runs this with foreign keys off, so
-- dropping the old tables neither cascades nor is refused, and checks every foreign key
-- before it commits. With legacy_alter_table on, renaming leaves the references other tables
-- and the views make to these tables' names untouched: they name the rebuilt tables.
PRAGMA legacy_alter_table = ON;

-- Corpus: raw_texts. Its FTS5 index is keyed by id and reads the text from raw_texts, so it
-- stays valid as long as the ids and texts are copied unchanged — and the triggers that keep
-- it in step are created only after the copy, which must not index the texts a second time.
ALTER TABLE raw_texts RENAME TO raw_texts_before_0015;
CREATE TABLE raw_texts (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    ingest_id INTEGER REFERENCES ingests(id),
    external_id TEXT,
    split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'heldout')),
    text TEXT NOT NULL CHECK (length(text) > 0),
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    char_count INTEGER NOT NULL,
    byte_count INTEGER NOT NULL
);
INSERT INTO raw_texts (id, source_id, ingest_id, external_id, split, text, sha256, char_count, byte_count)
SELECT id, source_id, ingest_id, external_id, split, text, lower(hex(sha256)), char_count, byte_count
FROM raw_texts_before_0015;
DROP TABLE raw_texts_before_0015;
CREATE INDEX raw_texts_by_source_split ON raw_texts(source_id, split);
CREATE INDEX raw_texts_by_external_id ON raw_texts(external_id);
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

-- Templating: templates.
ALTER TABLE templates RENAME TO templates_before_0015;
CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,                -- JSON object: part name -> pattern with {placeholders}
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),   -- SHA-256 of family, name, version and body
    source_file TEXT NOT NULL,         -- the catalog file it came from
    loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (family, name, version)
);
INSERT INTO templates (id, family, name, version, body, sha256, source_file, loaded_at)
SELECT id, family, name, version, body, lower(hex(sha256)), source_file, loaded_at
FROM templates_before_0015;
DROP TABLE templates_before_0015;

-- Templating: augmented_texts. Its raw-text links (ON DELETE CASCADE) are not touched: with
-- foreign keys off, dropping the old table deletes nothing else.
ALTER TABLE augmented_texts RENAME TO augmented_texts_before_0015;
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
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),   -- SHA-256 of text
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (run_id, seed, first_request_id, part)
);
INSERT INTO augmented_texts (id, run_id, first_request_id, part, seed, mode, inverted, bare_text, no_header, hidden_options,
                             template_ids, option_orders, request_ids, raw_text_ids, pair_ids, text, sha256, created_at)
SELECT id, run_id, first_request_id, part, seed, mode, inverted, bare_text, no_header, hidden_options,
       template_ids, option_orders, request_ids, raw_text_ids, pair_ids, text, lower(hex(sha256)), created_at
FROM augmented_texts_before_0015;
DROP TABLE augmented_texts_before_0015;
CREATE INDEX augmented_texts_by_mode ON augmented_texts(run_id, seed, mode);

-- Mixing: instruction_examples.
ALTER TABLE instruction_examples RENAME TO instruction_examples_before_0015;
CREATE TABLE instruction_examples (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES instruction_sets(id),
    line INTEGER NOT NULL,
    instruction TEXT,
    response TEXT,
    context TEXT,
    pairs_json TEXT,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    UNIQUE (set_id, sha256),
    CHECK ((instruction IS NOT NULL AND response IS NOT NULL AND context IS NULL AND pairs_json IS NULL)
        OR (instruction IS NULL AND response IS NULL AND context IS NOT NULL AND pairs_json IS NOT NULL))
);
INSERT INTO instruction_examples (id, set_id, line, instruction, response, context, pairs_json, sha256)
SELECT id, set_id, line, instruction, response, context, pairs_json, lower(hex(sha256))
FROM instruction_examples_before_0015;
DROP TABLE instruction_examples_before_0015;
CREATE INDEX instruction_examples_by_set ON instruction_examples(set_id, line);

PRAGMA legacy_alter_table = OFF;
