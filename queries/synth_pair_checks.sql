-- Ground-truth verdicts per synthesis run (where the corpus's facts are known, as in `ipt demo`):
-- pairs, how many ask about an attribute and are right or wrong, and the precision on those
-- (empty when none was checked); first for all the run's pairs (a run that wrote none shows 0),
-- then per form of pair: true/false and yes/no checks (final answer True, False, Yes or No)
-- apart, the others by kind (plain, options, cot, options_cot).
WITH per_form AS (
    SELECT u.id AS run,
           u.backend,
           CASE WHEN p.final_answer IN ('True', 'False', 'Yes', 'No') THEN 'check' ELSE p.kind END AS form,
           count(p.id) AS pairs,
           coalesce(sum(c.verdict = 'right'), 0) AS right,
           coalesce(sum(c.verdict = 'wrong'), 0) AS wrong,
           coalesce(sum(c.verdict = 'not_attribute'), 0) AS not_attribute
    FROM synth_runs u
    LEFT JOIN synth_requests q ON q.run_id = u.id
    LEFT JOIN instruction_pairs p ON p.request_id = q.id
    LEFT JOIN instruction_pair_checks c ON c.pair_id = p.id
    GROUP BY u.id, form
), with_totals AS (
    SELECT * FROM per_form WHERE pairs > 0
    UNION ALL
    SELECT run, backend, 'all', sum(pairs), sum(right), sum(wrong), sum(not_attribute) FROM per_form GROUP BY run
)
SELECT run, backend, form, pairs, right, wrong, not_attribute,
       CASE WHEN right + wrong > 0 THEN printf('%.4f', 1.0 * right / (right + wrong)) END AS precision
FROM with_totals
ORDER BY run, form <> 'all', pairs DESC;
