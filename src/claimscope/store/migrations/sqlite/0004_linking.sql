-- Corpus-level linking (issue 6): incident clusters, narratives, contradictions.
-- Everything here is rebuilt by `claimscope link` from the per-article analyses plus the
-- users' manual_edits, in one transaction; rows written by linking carry producer 'linking'.

-- Which mentions an incident held when it was last built ("article:start:end" keys): mention
-- rows are recreated by re-analysis, so incident ids are carried over by these keys.
ALTER TABLE incidents ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}';
ALTER TABLE incidents ADD COLUMN updated_at TEXT;

-- A narrative: matching claims repeated across outlets and time, named by a representative claim.
CREATE TABLE narratives (
    id                      INTEGER PRIMARY KEY,
    label                   TEXT NOT NULL,
    representative_claim_id INTEGER REFERENCES claims(id) ON DELETE SET NULL,
    first_seen              TEXT,
    last_seen               TEXT,
    claim_count             INTEGER NOT NULL DEFAULT 0,
    article_count           INTEGER NOT NULL DEFAULT 0,
    outlet_count            INTEGER NOT NULL DEFAULT 0,
    method                  TEXT NOT NULL,            -- 'vectors:<encoder>' or 'lexical'
    attrs                   TEXT NOT NULL DEFAULT '{}', -- outlets, counts per month, member keys
    updated_at              TEXT NOT NULL
);
CREATE INDEX narratives_last_seen ON narratives(last_seen);

-- Corpus-level links (contradicts, narrative_member, stance toward an incident) have no
-- owning article; this index serves their replacement by producer.
CREATE INDEX links_producer ON links(producer, kind);
CREATE INDEX figures_mention ON casualty_figures(mention_id);
