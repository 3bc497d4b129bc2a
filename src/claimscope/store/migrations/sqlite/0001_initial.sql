-- claimscope schema, version 1.
-- Every extracted fact points at [start, end) character offsets into articles.text.
-- Rows written by an analyzer carry producer + producer_version so a newer version
-- replaces exactly its own output; rows with manual = 1 come from users and are never
-- deleted by re-analysis.

CREATE TABLE outlets (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    domain    TEXT UNIQUE,
    country   TEXT,
    language  TEXT,
    kind      TEXT NOT NULL DEFAULT 'unknown'
              CHECK (kind IN ('state_media','wire','ngo','independent','official_body','unknown')),
    owner     TEXT
);

CREATE TABLE articles (
    id                  TEXT PRIMARY KEY,          -- sha256(normalised text)[:16]
    url                 TEXT,
    outlet_id           INTEGER REFERENCES outlets(id),
    published_at        TEXT,
    published_precision TEXT NOT NULL DEFAULT 'unknown',
    title               TEXT,
    text                TEXT NOT NULL,
    language            TEXT,
    language_score      REAL,
    author              TEXT,
    raw_sha256          TEXT,
    retrieved_at        TEXT,
    source_ref          TEXT,
    duplicate_of        TEXT REFERENCES articles(id),
    duplicate_score     REAL,
    word_count          INTEGER NOT NULL DEFAULT 0,
    metadata            TEXT NOT NULL DEFAULT '{}',
    ingested_at         TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles(outlet_id);
CREATE INDEX articles_published ON articles(published_at);
CREATE INDEX articles_url ON articles(url);

-- Each time an input produced an already-stored article: nothing an analyst fed in is lost.
CREATE TABLE sightings (
    id           INTEGER PRIMARY KEY,
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source_ref   TEXT,
    url          TEXT,
    outlet_id    INTEGER REFERENCES outlets(id),
    raw_sha256   TEXT,
    retrieved_at TEXT NOT NULL,
    UNIQUE (article_id, source_ref, raw_sha256)
);

-- MinHash LSH bands for near-duplicate lookup.
CREATE TABLE minhash_bands (
    band       INTEGER NOT NULL,
    hash       INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, article_id)
) WITHOUT ROWID;
CREATE TABLE minhash_signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- Which analyzer version has finished with which article (the pipeline's resume point).
CREATE TABLE analysis_runs (
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    analyzer         TEXT NOT NULL,
    analyzer_version TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    PRIMARY KEY (article_id, analyzer)
);

CREATE TABLE spans (
    id               INTEGER PRIMARY KEY,
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start            INTEGER NOT NULL,
    end              INTEGER NOT NULL,
    label            TEXT NOT NULL,
    score            REAL,
    producer         TEXT NOT NULL,
    producer_version TEXT NOT NULL,
    attrs            TEXT NOT NULL DEFAULT '{}',
    CHECK (start >= 0 AND end >= start)
);
CREATE INDEX spans_article ON spans(article_id, producer);
CREATE INDEX spans_label ON spans(label);

CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text             TEXT NOT NULL,
    claim_type       TEXT NOT NULL,
    polarity         TEXT NOT NULL DEFAULT 'affirms',
    speaker          TEXT,
    speaker_norm     TEXT,
    speaker_kind     TEXT NOT NULL DEFAULT 'unknown',
    source_kind      TEXT NOT NULL DEFAULT 'named',
    quote_type       TEXT,
    source_start     INTEGER, source_end  INTEGER,
    cue_start        INTEGER, cue_end     INTEGER,
    content_start    INTEGER NOT NULL, content_end INTEGER NOT NULL,
    hedged           INTEGER NOT NULL DEFAULT 0,
    checkworthiness  REAL,
    score            REAL,
    producer         TEXT NOT NULL,
    producer_version TEXT NOT NULL,
    attrs            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX claims_article ON claims(article_id, producer);
CREATE INDEX claims_type ON claims(claim_type);
CREATE INDEX claims_speaker ON claims(speaker_norm);

CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY,
    event_type     TEXT NOT NULL,
    label          TEXT,
    agent          TEXT,
    date_start     TEXT, date_end TEXT,
    date_precision TEXT NOT NULL DEFAULT 'unknown',
    place_name     TEXT,
    latitude       REAL, longitude REAL,
    geo_precision  TEXT,
    evidence       TEXT NOT NULL DEFAULT '[]',
    locked         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE incident_mentions (
    id               INTEGER PRIMARY KEY,
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    sub_event_type   TEXT,
    agent            TEXT,
    modality         TEXT NOT NULL DEFAULT 'fact',
    is_main          INTEGER NOT NULL DEFAULT 0,
    date_start       TEXT, date_end TEXT,
    date_precision   TEXT NOT NULL DEFAULT 'unknown',
    date_text        TEXT,
    place_name       TEXT, place_id TEXT,
    latitude         REAL, longitude REAL,
    geo_precision    TEXT,
    country          TEXT, admin1 TEXT,
    perpetrator      TEXT, perpetrator_kind TEXT,
    target           TEXT, target_kind TEXT,
    killed_low       INTEGER, killed_high INTEGER,
    injured_low      INTEGER, injured_high INTEGER,
    according_to     TEXT,
    start            INTEGER NOT NULL DEFAULT 0,
    end              INTEGER NOT NULL DEFAULT 0,
    evidence         TEXT NOT NULL DEFAULT '[]',
    incident_id      INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
    score            REAL,
    producer         TEXT NOT NULL,
    producer_version TEXT NOT NULL,
    attrs            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX mentions_article ON incident_mentions(article_id, producer);
CREATE INDEX mentions_incident ON incident_mentions(incident_id);
CREATE INDEX mentions_type ON incident_mentions(event_type);

CREATE TABLE casualty_figures (
    id               INTEGER PRIMARY KEY,
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    mention_id       INTEGER REFERENCES incident_mentions(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    low              INTEGER, high INTEGER,
    qualifier        TEXT,
    "group"          TEXT,
    source           TEXT,
    start            INTEGER NOT NULL, end INTEGER NOT NULL,
    producer         TEXT NOT NULL,
    producer_version TEXT NOT NULL
);
CREATE INDEX figures_article ON casualty_figures(article_id, producer);

CREATE TABLE technique_spans (
    id               INTEGER PRIMARY KEY,
    article_id       TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start            INTEGER NOT NULL,
    end              INTEGER NOT NULL,
    technique        TEXT NOT NULL,
    confidence       REAL,
    producer         TEXT NOT NULL,
    producer_version TEXT NOT NULL
);
CREATE INDEX techniques_article ON technique_spans(article_id, producer);
CREATE INDEX techniques_technique ON technique_spans(technique);

CREATE TABLE links (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    from_type        TEXT NOT NULL,
    from_id          TEXT NOT NULL,
    to_type          TEXT NOT NULL,
    to_id            TEXT NOT NULL,
    score            REAL,
    label            TEXT,
    manual           INTEGER NOT NULL DEFAULT 0,
    article_id       TEXT REFERENCES articles(id) ON DELETE CASCADE, -- owner, for per-article replacement
    producer         TEXT NOT NULL DEFAULT '',
    producer_version TEXT NOT NULL DEFAULT '',
    attrs            TEXT NOT NULL DEFAULT '{}',
    created_at       TEXT NOT NULL
);
CREATE INDEX links_from ON links(from_type, from_id, kind);
CREATE INDEX links_to ON links(to_type, to_id, kind);
CREATE INDEX links_article ON links(article_id, producer);

-- A user's fact-check verdict on a claim (exported as schema.org ClaimReview).
-- Keyed by article + character range, not by claims.id, because re-analysis with a new
-- model version recreates claims; the review re-attaches to the claim covering its range.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    claim_text  TEXT NOT NULL,
    rating      TEXT NOT NULL,
    reviewer    TEXT,
    note        TEXT,
    url         TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX reviews_article ON reviews(article_id);

-- Users' manual edits (incident merges and splits, corrections): replayed after every
-- analysis run so that no model version can undo them.
CREATE TABLE manual_edits (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    author     TEXT,
    created_at TEXT NOT NULL
);
