-- Contacts' emails, the second identity AmoHub deduplicates contacts by: every address of a contact (amoCRM keeps
-- several), trimmed and lower-cased by the code that writes them (EmailAddresses), so the key compares exactly.
-- Contacts kept before this version have none here until amoCRM next sends them.

CREATE TABLE contact_emails (
    account VARCHAR(63) NOT NULL,
    email VARCHAR(254) NOT NULL,
    amocrm_id BIGINT NOT NULL,
    PRIMARY KEY (account, email, amocrm_id)
)
GO
CREATE INDEX ix_contact_emails_contact ON contact_emails (account, amocrm_id)
GO
