-- Version 18: the month's official service-index score and rank a lead types in from the
-- national portal (docs/scorecard.md), charted beside motcua's own estimates.
CREATE TABLE official_score (
    site_id    INTEGER NOT NULL REFERENCES site(id),
    month      TEXT NOT NULL,                   -- YYYY-MM
    score_x100 INTEGER NOT NULL,                -- 0 to 10000: the score in hundredths
    rank       INTEGER,                         -- 1 = best
    rank_of    INTEGER,                         -- how many were ranked
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,                   -- the lead's username
    PRIMARY KEY (site_id, month)
);
