-- The full lineage of one instruction-response pair: the raw text and where it was ingested
-- from, the run (backend, model, sampling parameters, seed), the request (round, chain,
-- prepended entries, prompt, raw output, tokens, latency, attempts), the chain link, and the
-- pair's ground-truth verdict where the corpus's facts are known (`ipt demo`).
-- Parameters: id (the pair's id, as in `ipt export pairs` output's pair_id).
SELECT p.id AS pair_id,
       p.kind,
       p.question,
       p.answer,
       p.position AS position_in_output,
       r.id AS raw_text_id,
       r.external_id,
       s.name AS source,
       i.path AS ingested_from,
       r.sha256 AS raw_text_sha256,
       u.id AS run,
       u.backend,
       u.backend_reference,
       u.model,
       u.temperature,
       u.top_p,
       u.seed,
       u.max_model_len,
       u.max_new_tokens,
       u.rounds,
       q.id AS request_id,
       q.round,
       q.position AS chain,
       q.prepended_entries,
       l.previous_request_id,
       l.followed_by_next,
       l.inherits_from_previous,
       q.attempts,
       q.prompt_tokens,
       q.completion_tokens,
       q.finish_reason,
       q.latency_seconds,
       q.completed_at,
       c.verdict,
       c.checker,
       c.expected,
       q.prompt,
       q.output
FROM instruction_pairs p
JOIN synth_requests q ON q.id = p.request_id
JOIN synth_runs u ON u.id = q.run_id
JOIN raw_texts r ON r.id = p.raw_text_id
JOIN sources s ON s.id = r.source_id
LEFT JOIN ingests i ON i.id = r.ingest_id
LEFT JOIN synth_chain_links l ON l.request_id = q.id
LEFT JOIN instruction_pair_checks c ON c.pair_id = p.id
WHERE p.id = :id;
