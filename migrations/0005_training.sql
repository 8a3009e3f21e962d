-- Training: instruction data, mixture specs, content-addressed snapshots, training runs,
-- their checkpoints and per-step metrics.

-- A named set of instruction data read by `ipt ingest-instructions`: general
-- instruction–response pairs, or context-based task data (a text with its Q/A pairs).
CREATE TABLE instruction_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('general', 'context')),
    path TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One example of a set, in file order. General: instruction + response. Context-based:
-- context + pairs_json ([{"Q": …, "A": …}, …]). `sha256` is over the example's canonical
-- JSON; an example repeated inside one set is stored once.
CREATE TABLE instruction_examples (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES instruction_sets(id),
    line INTEGER NOT NULL,
    instruction TEXT,
    response TEXT,
    context TEXT,
    pairs_json TEXT,
    sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
    UNIQUE (set_id, sha256),
    CHECK ((instruction IS NOT NULL AND response IS NOT NULL AND context IS NULL AND pairs_json IS NULL)
        OR (instruction IS NULL AND response IS NULL AND context IS NOT NULL AND pairs_json IS NOT NULL))
);
CREATE INDEX instruction_examples_by_set ON instruction_examples(set_id, line);

-- A named pre-training mixture: an ordered list of components (`ipt mix create`).
CREATE TABLE mixtures (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One component: raw texts (of a source/split; with exclude_augmented_run, only texts no
-- augmented text of that synthesis run contains), the augmented texts of a synthesis run
-- (optionally of one templify seed), or an instruction set. `ratio` takes a seeded fraction
-- of the component's items, `repeat_count` repeats them.
CREATE TABLE mixture_components (
    mixture_id INTEGER NOT NULL REFERENCES mixtures(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('raw', 'augmented', 'instructions')),
    source TEXT,
    split TEXT CHECK (split IN ('train', 'heldout')),
    run_id INTEGER REFERENCES synth_runs(id),
    augmented_seed INTEGER,
    exclude_augmented_run INTEGER REFERENCES synth_runs(id),
    instruction_set TEXT,
    ratio REAL NOT NULL DEFAULT 1 CHECK (ratio > 0 AND ratio <= 1),
    repeat_count INTEGER NOT NULL DEFAULT 1 CHECK (repeat_count >= 1),
    PRIMARY KEY (mixture_id, position),
    CHECK ((kind = 'augmented') = (run_id IS NOT NULL)),
    CHECK ((kind = 'instructions') = (instruction_set IS NOT NULL))
) WITHOUT ROWID;

-- A materialised mixture: the ordered items, the tokenizer and the packing give
-- `manifest_sha256`; `tokens` holds the packed sequences (sequence_count × seq_len
-- little-endian int32), `tokens_sha256` their hash.
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    mixture_id INTEGER NOT NULL REFERENCES mixtures(id),
    tokenizer TEXT NOT NULL,
    tokenizer_sha256 TEXT NOT NULL,
    vocab_size INTEGER NOT NULL,
    seq_len INTEGER NOT NULL CHECK (seq_len > 1),
    seed INTEGER NOT NULL,
    packing_json TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    sequence_count INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    tokens BLOB NOT NULL,
    tokens_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The snapshot's items in training order: where each came from and the SHA-256 of its text.
CREATE TABLE snapshot_items (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('raw', 'augmented', 'instructions')),
    ref_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    token_count INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

-- One `ipt train`: what it trained on, with which config and seed, and where it wrote.
CREATE TABLE training_runs (
    id INTEGER PRIMARY KEY,
    snapshot_id INTEGER REFERENCES snapshots(id),
    instruction_set_id INTEGER REFERENCES instruction_sets(id),
    mode TEXT NOT NULL CHECK (mode IN ('pretrain', 'synthesizer')),
    config_json TEXT NOT NULL,
    seed INTEGER NOT NULL,
    out_dir TEXT NOT NULL,
    resumed_from INTEGER REFERENCES checkpoints(id),
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT,
    CHECK ((snapshot_id IS NULL) != (instruction_set_id IS NULL))
);

-- A checkpoint directory written atomically; `sha256` covers every file in it (see SHA256SUMS).
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES training_runs(id),
    step INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (run_id, step)
);

-- One optimizer step of a run.
CREATE TABLE train_metrics (
    run_id INTEGER NOT NULL REFERENCES training_runs(id),
    step INTEGER NOT NULL,
    loss REAL NOT NULL,
    lr REAL NOT NULL,
    grad_norm REAL NOT NULL,
    tokens_per_s REAL NOT NULL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
