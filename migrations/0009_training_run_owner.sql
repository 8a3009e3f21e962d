-- Which process trains a run, and when it last finished a step: a run left 'running' by a
-- process that died (kill -9, power loss) is recognised as such — by its pid when on the same
-- host, by a stale heartbeat otherwise — and marked failed by the next `ipt train`.
ALTER TABLE training_runs ADD COLUMN owner_host TEXT;
ALTER TABLE training_runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE training_runs ADD COLUMN heartbeat_at TEXT;
