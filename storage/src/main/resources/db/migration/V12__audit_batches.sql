-- Allowed pulls, the hot and high-volume kind of audit record, are stored many to a row (one row per run of
-- consecutive pulls the writer chains in one transaction) instead of one row each: a row per record cost more
-- than the rest of a manifest GET. Such a batch row keeps its first record's sequence as its key, so the
-- primary key still stops two writers chaining onto one head; `records` holds every record of the run with its
-- own previous hash and hash (io.gatehouse.storage.jdbc.AuditBatchCodec), `at` .. `last_at` is the time range
-- its records span and `last_sequence` its last record. Its other columns are null, except kind 'pull-batch',
-- previous_hash (of its first record), hash (of its last) and details '{}'. Individual rows have
-- last_sequence, last_at and records null.
ALTER TABLE audit_records ADD COLUMN last_sequence BIGINT;
ALTER TABLE audit_records ADD COLUMN last_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE audit_records ADD COLUMN records BYTEA;
-- Only batch rows have a last_sequence: reads find them through this index without walking single rows.
CREATE INDEX audit_records_last_sequence ON audit_records (last_sequence);
