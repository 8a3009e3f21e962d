-- Raw texts of a synthesis run that got no pairs: failed requests, and outputs the parser
-- found nothing in (with the last error and the start of the output, to see why).
-- Parameters: run (the run's id, from `ipt synth status`).
SELECT q.raw_text_id,
       r.external_id,
       q.round,
       q.status,
       q.attempts,
       q.last_error,
       q.finish_reason,
       substr(q.output, 1, 120) AS output_start
FROM synth_requests q
JOIN raw_texts r ON r.id = q.raw_text_id
WHERE q.run_id = :run
  AND NOT EXISTS (SELECT 1 FROM instruction_pairs p WHERE p.request_id = q.id)
ORDER BY q.round, q.position;
