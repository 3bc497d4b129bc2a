-- Claim embeddings (unit vectors, float16 little-endian). The in-process vector index beside
-- the database is rebuilt from this table, which stays the source of truth; vectors vanish
-- with their claim.
CREATE TABLE claim_vectors (
    claim_id  INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    vector    BLOB NOT NULL
);
