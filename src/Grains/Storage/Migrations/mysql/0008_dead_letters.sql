-- Entities AmoHub could not apply (a webhook event or a synced entity that fails every time): set aside with the
-- reason, so one bad entity never stops its account. Kept for the operator; shown in /api/amocrm/status.

CREATE TABLE crm_dead_letters (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account VARCHAR(63) NOT NULL,
    source VARCHAR(16) NOT NULL,
    entity VARCHAR(16) NOT NULL,
    amocrm_id BIGINT NOT NULL,
    reason VARCHAR(500) NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
CREATE INDEX ix_crm_dead_letters_account ON crm_dead_letters (account, id)
GO
