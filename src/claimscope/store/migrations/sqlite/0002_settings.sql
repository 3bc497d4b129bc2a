-- Per-store settings (JSON values), e.g. the extra gazetteer layers analyzers should load.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
