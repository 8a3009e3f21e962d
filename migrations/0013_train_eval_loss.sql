-- The held-out loss a training run measures every `evalEvery` steps (nanoGPT's
-- estimate_loss), beside the training loss of the same step; NULL on the other steps.
ALTER TABLE train_metrics ADD COLUMN eval_loss REAL;
