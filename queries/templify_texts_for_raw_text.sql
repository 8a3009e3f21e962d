-- The augmented texts a raw text became part of, with its place in each chain.
-- Parameters: id (the raw text's id, as in `ipt search` output).
SELECT a.id AS augmented_text_id,
       a.run_id,
       a.seed,
       a.mode,
       a.inverted,
       l.position AS position_in_chain,
       length(a.text) AS chars,
       substr(a.text, 1, 120) AS text_start
FROM augmented_text_raw_texts l
JOIN augmented_texts a ON a.id = l.augmented_text_id
WHERE l.raw_text_id = :id
ORDER BY a.run_id, a.seed, a.id;
