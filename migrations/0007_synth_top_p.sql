-- Nucleus sampling for synthesis runs: the top-p sent to every backend, recorded with the run
-- like the temperature (1 = the whole distribution; runs made before this migration used 1).
ALTER TABLE synth_runs ADD COLUMN top_p REAL NOT NULL DEFAULT 1 CHECK (top_p > 0 AND top_p <= 1);
