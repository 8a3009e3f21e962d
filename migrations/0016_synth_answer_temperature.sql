-- The answers' own sampling temperature (from <ANS> to </END>), recorded with the run: a small
-- local synthesizer can sample varied questions yet read every answer greedily. NULL (and every
-- run made before this migration): the answers are sampled at the run's temperature.
ALTER TABLE synth_runs ADD COLUMN answer_temperature REAL CHECK (answer_temperature >= 0);
