-- One rule for "the same name" on both engines: SQLite already compares name_key byte for byte (BINARY), and
-- does not enforce declared lengths, so only the keys change: the code step of this migration (NameKeyRekey)
-- recomputes every row's name_key under NameKeys' rule (NFKC, invisible characters, ё/е). The indexes on the bare
-- name go, as on MySQL: nothing searches by it.

DROP INDEX ix_contacts_name
GO
DROP INDEX ix_leads_name
GO
