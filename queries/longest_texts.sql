-- The longest raw texts, to spot documents that will need splitting before synthesis.
-- Parameters: limit (how many rows).
SELECT r.id, r.external_id, s.name AS source, r.char_count
FROM raw_texts r
JOIN sources s ON s.id = r.source_id
ORDER BY r.char_count DESC, r.id
LIMIT :limit;
