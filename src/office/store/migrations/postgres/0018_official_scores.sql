-- The same step as sqlite/0018_official_scores.sql, in PostgreSQL's terms.
CREATE TABLE official_score (
    site_id    BIGINT NOT NULL REFERENCES site(id),
    month      TEXT NOT NULL,
    score_x100 BIGINT NOT NULL,
    rank       BIGINT,
    rank_of    BIGINT,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (site_id, month)
);
