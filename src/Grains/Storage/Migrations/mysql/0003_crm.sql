-- CRM sync: every phone of a contact (amoCRM keeps several), names normalized for dedup and search,
-- the lead's main contact by amoCRM id, and the durable webhook inbox.

CREATE TABLE contact_phones (
    account VARCHAR(63) NOT NULL,
    phone VARCHAR(32) NOT NULL,
    amocrm_id BIGINT NOT NULL,
    PRIMARY KEY (account, phone, amocrm_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
GO
CREATE INDEX ix_contact_phones_contact ON contact_phones (account, amocrm_id)
GO
ALTER TABLE leads ADD COLUMN name_key VARCHAR(255) NOT NULL DEFAULT ''
GO
ALTER TABLE contacts ADD COLUMN name_key VARCHAR(255) NOT NULL DEFAULT ''
GO
CREATE INDEX ix_contacts_name_key ON contacts (account, name_key)
GO
ALTER TABLE leads ADD COLUMN contact_amocrm_id BIGINT NULL
GO
CREATE INDEX ix_leads_name_key ON leads (account, name_key)
GO
CREATE INDEX ix_leads_contact ON leads (account, contact_amocrm_id)
GO
CREATE TABLE webhook_inbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account VARCHAR(63) NOT NULL,
    received_at BIGINT NOT NULL,
    events MEDIUMTEXT NOT NULL,
    event_count INT NOT NULL,
    applied_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
CREATE INDEX ix_webhook_inbox_pending ON webhook_inbox (account, applied_at, id)
GO
CREATE INDEX ix_webhook_inbox_received ON webhook_inbox (account, received_at)
GO
