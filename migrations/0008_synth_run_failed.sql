-- A synthesis run can end 'failed': its last round finished and not one request succeeded,
-- so it produced nothing (`ipt synth` then exits non-zero). SQLite cannot change a CHECK
-- in place, so the table is rebuilt. Deferred foreign keys let the rows that reference a run
-- (requests, texts, templify runs, mixture components) wait until it is copied back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE synth_runs_before_0008 AS SELECT * FROM synth_runs;
DROP TABLE synth_runs;
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
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT,
    top_p REAL NOT NULL DEFAULT 1 CHECK (top_p > 0 AND top_p <= 1)   -- nucleus sampling (0007)
);
INSERT INTO synth_runs (id, backend, backend_reference, model, rounds, max_model_len, max_new_tokens, temperature, seed,
                        source_filter, text_limit, texts_total, round_size, rounds_created, max_attempts, status,
                        created_at, finished_at, top_p)
SELECT id, backend, backend_reference, model, rounds, max_model_len, max_new_tokens, temperature, seed,
       source_filter, text_limit, texts_total, round_size, rounds_created, max_attempts, status,
       created_at, finished_at, top_p
FROM synth_runs_before_0008;
DROP TABLE synth_runs_before_0008;
