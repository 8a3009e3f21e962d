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

-- Corpus (0001; raw_texts as rebuilt by 0015) ------------------------------------------------

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
-- Every SHA-256 in the database is lowercase hex text (0015 converted the columns that held bytes).
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

-- Synthesis (0003) ----

-- One synthesis run: the backend and every parameter that shaped its outputs.
CREATE TABLE synth_runs (
    id INTEGER PRIMARY KEY,
    backend TEXT NOT NULL CHECK (backend IN ('miner', 'model', 'openai')),
    backend_reference TEXT NOT NULL,   -- "miner", the checkpoint directory, or the server URL
    model TEXT,                        -- model name sent to the server
    rounds INTEGER NOT NULL CHECK (rounds >= 1),
    max_model_len INTEGER NOT NULL CHECK (max_model_len > 0),
    max_new_tokens INTEGER NOT NULL CHECK (max_new_tokens > 0 AND max_new_tokens < max_model_len),
    temperature REAL NOT NULL CHECK (temperature >= 0),
    seed INTEGER NOT NULL,
    source_filter TEXT,                -- only texts of this source (NULL: all)
    text_limit INTEGER,                -- at most this many texts (NULL: all)
    texts_total INTEGER NOT NULL,
    round_size INTEGER NOT NULL,       -- ceil(texts_total / rounds): round r holds texts [r*size, (r+1)*size)
    rounds_created INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),   -- failed: no request succeeded (0008)
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT,
    top_p REAL NOT NULL DEFAULT 1 CHECK (top_p > 0 AND top_p <= 1),   -- nucleus sampling (0007)
    answer_temperature REAL CHECK (answer_temperature >= 0)            -- the answers' own temperature; NULL: temperature (0016)
);

-- The run's raw texts in the order rounds take them, frozen when the run is created.
CREATE TABLE synth_run_texts (
    run_id INTEGER NOT NULL REFERENCES synth_runs(id),
    ordinal INTEGER NOT NULL,
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    PRIMARY KEY (run_id, ordinal),
    UNIQUE (run_id, raw_text_id)
) WITHOUT ROWID;

-- One prompt sent to the synthesizer: the work queue. A worker leases pending requests (or
-- ones whose lease expired), and writes output, pairs and status in one transaction.
CREATE TABLE synth_requests (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES synth_runs(id),
    round INTEGER NOT NULL CHECK (round >= 0),
    position INTEGER NOT NULL CHECK (position >= 0),   -- the chain this request continues
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    prepended_entries INTEGER NOT NULL DEFAULT 0,      -- earlier entries carried in the prompt
    prompt TEXT NOT NULL,
    output TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    finish_reason TEXT,
    latency_seconds REAL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'leased', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    lease_owner TEXT,
    lease_expires_at REAL,                             -- Unix time in seconds
    completed_at TEXT,
    UNIQUE (run_id, round, position),
    UNIQUE (run_id, raw_text_id)                       -- every raw text once per run
);
CREATE INDEX synth_requests_queue ON synth_requests(run_id, status, round, position);
CREATE INDEX synth_requests_by_raw_text ON synth_requests(raw_text_id);

-- How an entry links to the previous entry of its chain (round - 1, same position):
-- followed_by_next: the previous entry was prepended to this prompt; inherits_from_previous:
-- prepended and this entry produced at least one pair (set when the request is done).
CREATE TABLE synth_chain_links (
    request_id INTEGER PRIMARY KEY REFERENCES synth_requests(id),
    previous_request_id INTEGER NOT NULL UNIQUE REFERENCES synth_requests(id),
    followed_by_next INTEGER NOT NULL CHECK (followed_by_next IN (0, 1)),
    inherits_from_previous INTEGER CHECK (inherits_from_previous IN (0, 1))
);

-- One instruction-response pair parsed from a request's output, in output order.
CREATE TABLE instruction_pairs (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES synth_requests(id),
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    position INTEGER NOT NULL CHECK (position >= 0),
    question TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (length(answer) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('plain', 'options', 'cot', 'options_cot', 'unusable')),
    stem TEXT,                 -- the question without options and step-by-step cue
    options TEXT,              -- JSON array of the options, for options / options_cot
    chain_of_thought TEXT,     -- for cot / options_cot
    final_answer TEXT,         -- the answer without its chain of thought
    UNIQUE (request_id, position)
);
CREATE INDEX instruction_pairs_by_raw_text ON instruction_pairs(raw_text_id);
CREATE INDEX instruction_pairs_by_kind ON instruction_pairs(kind);

-- Ground-truth verdicts on synthesized pairs, for corpora whose facts are known (the demo's
-- world): right, wrong, or not about an attribute. `checker` names what judged the pair. (0011)
CREATE TABLE instruction_pair_checks (
    pair_id INTEGER PRIMARY KEY REFERENCES instruction_pairs(id) ON DELETE CASCADE,
    checker TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong', 'not_attribute')),
    attributes TEXT NOT NULL,   -- JSON array of the attributes the pair was judged on
    expected TEXT NOT NULL      -- JSON array of their true values
);
CREATE INDEX instruction_pair_checks_by_verdict ON instruction_pair_checks(verdict);

-- Templating (0004; augmented_texts as rebuilt by 0010, templates and augmented_texts by 0015) ----

-- One template of the catalog (templates/*.json), loaded by `ipt templates load` or templify.
-- A (family, name, version) is never reloaded with other content: a new wording is a new version.
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
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),   -- SHA-256 of text
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (run_id, seed, first_request_id, part)
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

-- Training (0005; instruction_examples as rebuilt by 0015) ----

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
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
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
-- `manifest_sha256`; the packed sequences (sequence_count × seq_len tokens) live in shard
-- files (snapshot_shards), `tokens_sha256` is the SHA-256 of the whole stream as
-- little-endian int32 whatever width the shards store.
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

-- One shard file of a snapshot: `path` is the prefix of `path.bin` (the tokens, little-endian
-- `dtype`) and `path.idx` (Megatron's MMIDIDX index, one document per packed sequence),
-- relative to the database's directory unless absolute. The shard holds the stream's tokens
-- first_token .. first_token + token_count; `sha256` is the SHA-256 of the .bin file.
CREATE TABLE snapshot_shards (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('uint16', 'int32')),
    byte_count INTEGER NOT NULL,
    first_token INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

-- The packed tokens of a snapshot made before shards (sequence_count × seq_len little-endian
-- int32; migration 0012 moved them here), until `ipt` moves them into shard files.
CREATE TABLE snapshot_token_blobs (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id),
    tokens BLOB NOT NULL
);

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
    owner_host TEXT,        -- the host and pid of the process training it (0009)
    owner_pid INTEGER,
    heartbeat_at TEXT,      -- when it last finished a step (0009)
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
    -- (0013) The held-out loss after this step, on the steps that measured it (every
    -- evalEvery steps and the last); NULL otherwise.
    eval_loss REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
-- Evaluation (0006) ------------------------------------------------------------------------

-- Evaluation: multiple-choice tasks as data, evaluation runs of a model or checkpoint, their
-- scores and the per-item log-likelihoods behind them, and held-out perplexity per text.

-- A multiple-choice task imported with `ipt eval import FILE.jsonl --name NAME`.
CREATE TABLE eval_tasks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    source_path TEXT,
    -- Hex SHA-256 over the items as imported: re-importing the same name with other items is refused.
    items_sha256 TEXT NOT NULL CHECK (length(items_sha256) = 64),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One question of a task: the context, the choices (a JSON array of strings) and the gold index.
-- `train` items are the few-shot pool; `test` (or `validation`) items are scored.
CREATE TABLE eval_items (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES eval_tasks(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    context TEXT NOT NULL CHECK (length(context) > 0),
    choices TEXT NOT NULL CHECK (json_valid(choices) AND json_type(choices) = 'array' AND json_array_length(choices) >= 2),
    gold INTEGER NOT NULL CHECK (gold >= 0 AND gold < json_array_length(choices)),
    UNIQUE (task_id, line)
);
CREATE INDEX eval_items_by_task_split ON eval_items(task_id, split);

-- One evaluation of one model: a multiple-choice task (task_id, shots, seed) or held-out
-- perplexity (task_id NULL). The model is a directory, a training checkpoint, or both.
CREATE TABLE eval_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('multiple_choice', 'perplexity')),
    task_id INTEGER REFERENCES eval_tasks(id),
    model_path TEXT,
    checkpoint_id INTEGER REFERENCES checkpoints(id),
    -- The tokenizer the texts were encoded with: a tokenizer.json path, or "bytes".
    tokenizer TEXT NOT NULL,
    split TEXT NOT NULL,
    shots INTEGER NOT NULL DEFAULT 0 CHECK (shots >= 0),
    -- How few-shot examples were chosen: a seeded sample (random) or the first train items (first_n).
    fewshot_sampler TEXT NOT NULL DEFAULT 'random' CHECK (fewshot_sampler IN ('random', 'first_n')),
    seed INTEGER NOT NULL DEFAULT 0,
    item_count INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (model_path IS NOT NULL OR checkpoint_id IS NOT NULL),
    CHECK ((kind = 'multiple_choice') = (task_id IS NOT NULL))
);
CREATE INDEX eval_runs_by_task ON eval_runs(task_id);

-- A run's aggregate metrics: acc, acc_norm, acc_bytes (with the sample standard error of the
-- mean), or token_perplexity, bits_per_byte, word_perplexity (stderr NULL).
CREATE TABLE eval_scores (
    run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    stderr REAL,
    PRIMARY KEY (run_id, metric)
);

-- How one item scored: the summed log-likelihood of each choice (JSON array, in choice order),
-- each choice's length in characters and UTF-8 bytes (JSON arrays), the argmax choices, and
-- the train items whose answers formed the few-shot prompt (JSON array of eval_items ids).
CREATE TABLE eval_results (
    run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES eval_items(id),
    chosen INTEGER NOT NULL,
    chosen_norm INTEGER NOT NULL,
    chosen_bytes INTEGER NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    correct_norm INTEGER NOT NULL CHECK (correct_norm IN (0, 1)),
    logprobs TEXT NOT NULL CHECK (json_valid(logprobs)),
    choice_chars TEXT NOT NULL CHECK (json_valid(choice_chars)),
    choice_bytes TEXT NOT NULL CHECK (json_valid(choice_bytes)),
    fewshot_item_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(fewshot_item_ids)),
    PRIMARY KEY (run_id, item_id)
);

-- A perplexity run's per-text figures: summed log-likelihood (nats) over its tokens.
CREATE TABLE eval_text_results (
    run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
    raw_text_id INTEGER NOT NULL REFERENCES raw_texts(id),
    logprob REAL NOT NULL,
    token_count INTEGER NOT NULL,
    byte_count INTEGER NOT NULL,
    word_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, raw_text_id)
);

-- Published read shapes (0014) -----------------------------------------------------------

-- The views other stages read instead of a stage's tables: only the stage that writes a table
-- names it in its Swift code.

-- Corpus: every raw text with its source's name.
CREATE VIEW corpus_texts AS
SELECT r.id, r.source_id, s.name AS source, r.split, r.external_id, r.text, r.char_count
FROM raw_texts r JOIN sources s ON s.id = r.source_id;

-- Templating: the augmented texts of each run and seed, and the raw texts each one holds.
CREATE VIEW augmented_corpus AS
SELECT id, run_id, seed, mode, text FROM augmented_texts;

CREATE VIEW augmented_raw_texts AS
SELECT a.run_id, a.seed, l.augmented_text_id, l.raw_text_id, l.position
FROM augmented_text_raw_texts l JOIN augmented_texts a ON a.id = l.augmented_text_id;
