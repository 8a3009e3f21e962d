-- Every file ingested, newest first: what it added, what was duplicate, what was skipped.
SELECT i.id,
       i.ingested_at,
       s.name AS source,
       i.path,
       i.format,
       i.split,
       i.bytes_read,
       i.texts_added,
       i.texts_duplicate,
       i.lines_skipped
FROM ingests i
JOIN sources s ON s.id = i.source_id
ORDER BY i.id DESC;
