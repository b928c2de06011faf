-- A re-match batch reads its images' package lists with "artifact IN (...)". H2 looks an IN list up by index only
-- on an index's first column, so with (set_id, artifact, seq) every batch walked all of the change's rows (half
-- the re-match time at 10,000 images). Key the lists by artifact first; the rows are kept.
ALTER TABLE scan_rematch_packages DROP CONSTRAINT scan_rematch_packages_pk;
ALTER TABLE scan_rematch_packages ADD CONSTRAINT scan_rematch_packages_pk PRIMARY KEY (artifact, set_id, seq);
