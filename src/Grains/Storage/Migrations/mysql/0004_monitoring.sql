-- Monitoring: a machine-readable reason on every result, incidents that can be acknowledged and noted,
-- and one incident row per (account, check, start) so a probe re-recording its open incident after a
-- restart updates that row instead of adding another.

ALTER TABLE health_checks ADD COLUMN error_code VARCHAR(32) NULL
GO
ALTER TABLE incidents ADD COLUMN error_code VARCHAR(32) NULL,
    ADD COLUMN http_status INT NULL,
    ADD COLUMN acknowledged_at BIGINT NULL,
    ADD COLUMN acknowledged_by VARCHAR(100) NULL
GO
CREATE UNIQUE INDEX ux_incidents_account_check_start ON incidents (account, check_type, start_time)
GO
CREATE INDEX ix_incidents_start ON incidents (start_time)
GO
CREATE TABLE incident_notes (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    author VARCHAR(100) NULL,
    text VARCHAR(2000) NOT NULL,
    CONSTRAINT fk_incident_notes_incident FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE,
    INDEX ix_incident_notes_incident (incident_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
