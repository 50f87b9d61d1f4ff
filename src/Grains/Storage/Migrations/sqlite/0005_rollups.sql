-- Rollups: the retention purge deletes old buckets of one resolution by bucket start. (SQLite's BLOB already
-- holds a day's exact latency histogram; MySQL widens its column in the same version.)

CREATE INDEX ix_health_rollups_resolution_bucket ON health_rollups (resolution, bucket_start)
GO
