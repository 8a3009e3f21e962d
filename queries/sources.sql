-- Raw texts per source and split: how many, how many characters, when first ingested.
SELECT s.name AS source,
       r.split,
       count(*) AS texts,
       sum(r.char_count) AS chars,
       s.created_at
FROM raw_texts r
JOIN sources s ON s.id = r.source_id
GROUP BY s.id, r.split
ORDER BY s.name, r.split;
