-- How often a stored create request's run failed on AmoHub's own parts (not amoCRM's answer, not a moment's storage
-- or cluster failure): after a bounded number the request ends failed instead of being tried again forever.

ALTER TABLE crm_operations ADD COLUMN failed_runs INT NOT NULL DEFAULT 0
GO
