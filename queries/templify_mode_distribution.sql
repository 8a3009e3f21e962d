-- Comprehension modes of augmented texts per run and seed, with their share and how many are inverted.
-- Parameters: none (every run and seed). Compare the shares with the weights: Classic 95 / Dialog 5,
-- or Classic 80 and 5 each for the other modes when every entry has at least two usable pairs; 5% of
-- chains are inverted, all of them Classic. Mode `raw` counts entries without usable pairs, kept as
-- texts of their own; the bare-text, no-header and hidden-options columns count those choices.
SELECT a.run_id,
       a.seed,
       a.mode,
       count(*) AS texts,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY a.run_id, a.seed), 2) AS percent,
       sum(a.inverted) AS inverted,
       sum(a.bare_text) AS bare_text,
       sum(a.no_header) AS no_header,
       sum(a.hidden_options) AS hidden_options
FROM augmented_texts a
GROUP BY a.run_id, a.seed, a.mode
ORDER BY a.run_id, a.seed, texts DESC;
