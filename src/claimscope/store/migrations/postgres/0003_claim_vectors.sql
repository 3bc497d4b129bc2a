-- Claim embeddings (unit vectors, float16 little-endian bytes), exactly as in SQLite: the
-- in-process vector index (claimscope.index) is rebuilt from this table, which stays the
-- source of truth; vectors vanish with their claim. pgvector is not used (see docs/postgres.md).
CREATE TABLE claim_vectors (
    claim_id  BIGINT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    model     TEXT COLLATE "C" NOT NULL,
    vector    BYTEA NOT NULL
);
