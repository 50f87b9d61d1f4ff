-- An incident that opened during a maintenance window is marked, so it alerts nobody and reports can tell it apart.
-- Incidents recorded before this version were not in maintenance.

ALTER TABLE incidents ADD COLUMN maintenance BOOLEAN NOT NULL DEFAULT 0
GO
