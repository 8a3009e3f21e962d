-- Synthesis: runs of the instruction synthesizer, one request per raw text, the pairs parsed
-- from each output, and the chain links that later make few-shot pre-training texts.

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
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT
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
