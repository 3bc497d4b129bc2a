-- Per-store settings (JSON values), e.g. the extra gazetteer layers analyzers should load.
CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
