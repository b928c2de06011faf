-- Re-matching after an advisory update, reworked after measuring 10,000 stored images (issue 5's benchmark).

-- The package lists of queued re-matches: one row per image and change listing the package seqs ("3,17,42"),
-- instead of one row per package (an update naming 7 packages of each of 10,000 images wrote and deleted 70,000
-- rows), keyed by artifact first because a batch reads them with "artifact IN (...)", which H2 looks up by index
-- only on an index's first column. Pending re-matches with a list re-match everything instead.
UPDATE scan_jobs SET rematch_set = NULL WHERE rematch_set IS NOT NULL;
DROP TABLE scan_rematch_packages;
CREATE TABLE scan_rematch_lists (
  set_id    BIGINT NOT NULL,
  artifact  VARCHAR(150) NOT NULL,
  seqs      VARCHAR NOT NULL,
  CONSTRAINT scan_rematch_lists_pk PRIMARY KEY (artifact, set_id)
);

-- Queueing joins the changed packages with the package index for (artifact, seq). Without seq in the index each
-- hit fetched its row from the table (millions of rows, mostly not in the cache); with it the join is answered
-- from the index alone.
CREATE INDEX scan_package_keys_lookup ON scan_package_keys (ecosystem, name, artifact, seq);
DROP INDEX scan_package_keys_key;
