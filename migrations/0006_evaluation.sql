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
