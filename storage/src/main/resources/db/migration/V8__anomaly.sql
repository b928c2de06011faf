-- Networks a project's pulls are expected from: a pull from elsewhere is served but raises an anomaly alert
-- (unlike allowed_cidrs, which refuse). A JSON list of CIDRs, like allowed_cidrs; empty: not watched.
ALTER TABLE projects ADD COLUMN expected_cidrs VARCHAR NOT NULL DEFAULT '[]';
