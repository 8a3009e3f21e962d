-- Instruction-response pairs per synthesis run and kind (plain, options, cot, options_cot, unusable).
-- "unusable" pairs break the options / chain-of-thought rules; templify leaves them out.
SELECT q.run_id AS run,
       p.kind,
       count(*) AS pairs,
       count(DISTINCT p.raw_text_id) AS texts,
       round(avg(length(p.question) + length(p.answer)), 1) AS mean_chars
FROM instruction_pairs p
JOIN synth_requests q ON q.id = p.request_id
GROUP BY q.run_id, p.kind
ORDER BY q.run_id, pairs DESC;
