-- Ground-truth verdicts per synthesis run (where the corpus's facts are known, as in `ipt demo`):
-- pairs, how many ask about an attribute and are right or wrong, and the precision on those.
SELECT u.id AS run,
       u.backend,
       count(p.id) AS pairs,
       sum(c.verdict = 'right') AS right,
       sum(c.verdict = 'wrong') AS wrong,
       sum(c.verdict = 'not_attribute') AS not_attribute,
       printf('%.4f', 1.0 * sum(c.verdict = 'right') / nullif(sum(c.verdict IN ('right', 'wrong')), 0)) AS precision
FROM synth_runs u
JOIN synth_requests q ON q.run_id = u.id
JOIN instruction_pairs p ON p.request_id = q.id
LEFT JOIN instruction_pair_checks c ON c.pair_id = p.id
GROUP BY u.id
ORDER BY u.id;
