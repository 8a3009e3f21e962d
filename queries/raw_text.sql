-- One raw text by id with where it came from.
-- Parameters: id (the raw text's id, as in `ipt search` output).
SELECT r.id,
       r.external_id,
       s.name AS source,
       r.split,
       r.char_count,
       r.sha256,
       i.path AS ingested_from,
       r.text
FROM raw_texts r
JOIN sources s ON s.id = r.source_id
LEFT JOIN ingests i ON i.id = r.ingest_id
WHERE r.id = :id;
