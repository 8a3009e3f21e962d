-- How often each template was used by augmented texts (unused templates show 0), by family.
-- Parameters: none.
SELECT t.family,
       t.name,
       t.version,
       t.id,
       count(u.value) AS texts
FROM templates t
LEFT JOIN (SELECT j.value FROM augmented_texts a, json_each(a.template_ids) j) u ON u.value = t.id
GROUP BY t.id
ORDER BY t.family, texts DESC, t.name;
