-- Rollups: a day's exact latency histogram (1 ms resolution) outgrows VARBINARY(2048); the retention purge
-- deletes old buckets of one resolution by bucket start, and old closed incidents by start time.

ALTER TABLE health_rollups MODIFY histogram MEDIUMBLOB NOT NULL
GO
CREATE INDEX ix_health_rollups_resolution_bucket ON health_rollups (resolution, bucket_start)
GO
