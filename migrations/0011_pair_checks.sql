-- Ground-truth verdicts on synthesized pairs, for corpora whose facts are known (the demo's
-- world): right, wrong, or not about an attribute. `checker` names what judged the pair.
CREATE TABLE instruction_pair_checks (
    pair_id INTEGER PRIMARY KEY REFERENCES instruction_pairs(id) ON DELETE CASCADE,
    checker TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong', 'not_attribute')),
    attributes TEXT NOT NULL,   -- JSON array of the attributes the pair was judged on
    expected TEXT NOT NULL      -- JSON array of their true values
);
CREATE INDEX instruction_pair_checks_by_verdict ON instruction_pair_checks(verdict);
