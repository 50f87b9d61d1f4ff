-- One rule for "the same name" on both engines: name_key holds NameKeys' key and compares byte for byte
-- (utf8mb4_unicode_ci found "Кафе Cafe" for "Кафе Café" and dedup then refused the match, so every repeated
-- create of the later spelling made one more amoCRM lead). The key is recomputed for every row by the code step
-- of this migration (NameKeyRekey), because the rule now folds what SQL cannot (NFKC, invisible characters).
-- Names and phones as amoCRM sends them fit: names up to 1,000 characters (amoCRM allows long contact names; a
-- longer one is cut by the read model, the grain keeps it whole) and phones with an extension. The indexes on the
-- bare name go: nothing searches by it (searches use name_key), and they would not fit InnoDB's key size.

ALTER TABLE contacts
    DROP INDEX ix_contacts_name,
    MODIFY name VARCHAR(1000) NOT NULL,
    MODIFY name_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    MODIFY phone VARCHAR(64) NULL
GO
ALTER TABLE leads
    DROP INDEX ix_leads_name,
    MODIFY name VARCHAR(1000) NOT NULL,
    MODIFY name_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''
GO
ALTER TABLE contact_phones MODIFY phone VARCHAR(64) NOT NULL
GO
