-- One evaluation run's items: context, choices, gold, chosen answers and the log-likelihoods.
SELECT i.line,
       i.context,
       i.choices,
       i.gold,
       e.chosen,
       e.chosen_norm,
       e.logprobs,
       e.fewshot_item_ids
FROM eval_results e
JOIN eval_items i ON i.id = e.item_id
WHERE e.run_id = :run
ORDER BY i.line;
