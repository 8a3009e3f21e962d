-- Snapshots' packed tokens leave the database for content-addressed shard files beside it
-- (Megatron indexed datasets), recorded in snapshot_shards. The tokens of snapshots made
-- before wait in snapshot_token_blobs until `ipt` (init, snapshot create, train) moves them
-- into shards, checked against tokens_sha256, and deletes the blob row.

-- One shard file of a snapshot: `path` is the prefix of `path.bin` (the tokens, little-endian
-- `dtype`) and `path.idx` (Megatron's MMIDIDX index, one document per packed sequence),
-- relative to the database's directory unless absolute. The shard holds the stream's tokens
-- first_token .. first_token + token_count; `sha256` is the SHA-256 of the .bin file.
CREATE TABLE snapshot_shards (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('uint16', 'int32')),
    byte_count INTEGER NOT NULL,
    first_token INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

-- The packed tokens of a snapshot made before shards (sequence_count × seq_len little-endian
-- int32), until they are moved into shard files.
CREATE TABLE snapshot_token_blobs (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id),
    tokens BLOB NOT NULL
);

INSERT INTO snapshot_token_blobs (snapshot_id, tokens) SELECT id, tokens FROM snapshots;
ALTER TABLE snapshots DROP COLUMN tokens;
