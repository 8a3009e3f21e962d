-- Every evaluation run's metrics, rounded as `ipt report` prints them (4 decimals).
SELECT r.id AS run,
       r.kind,
       coalesce(t.name, 'heldout') AS task,
       r.shots,
       coalesce(r.model_path, '') AS model,
       r.checkpoint_id AS checkpoint,
       s.metric,
       printf('%.4f', s.value) AS value,
       CASE WHEN s.stderr IS NULL THEN '' ELSE printf('%.4f', s.stderr) END AS stderr,
       r.item_count AS n
FROM eval_runs r
JOIN eval_scores s ON s.run_id = r.id
LEFT JOIN eval_tasks t ON t.id = r.task_id
ORDER BY r.id, s.metric;
