-- Each stage's published read shape: the views other stages read instead of its tables, so
-- only the stage that writes a table names it in its Swift code.

-- Corpus: every raw text with its source's name.
CREATE VIEW corpus_texts AS
SELECT r.id, r.source_id, s.name AS source, r.split, r.external_id, r.text, r.char_count
FROM raw_texts r JOIN sources s ON s.id = r.source_id;

-- Templating: the augmented texts of each run and seed, and the raw texts each one holds.
CREATE VIEW augmented_corpus AS
SELECT id, run_id, seed, mode, text FROM augmented_texts;

CREATE VIEW augmented_raw_texts AS
SELECT a.run_id, a.seed, l.augmented_text_id, l.raw_text_id, l.position
FROM augmented_text_raw_texts l JOIN augmented_texts a ON a.id = l.augmented_text_id;
