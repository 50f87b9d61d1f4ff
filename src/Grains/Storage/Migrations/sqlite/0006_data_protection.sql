-- The data protection key ring that seals stored secrets (notification webhook URLs, amoCRM tokens and client
-- secrets). Every silo of a deployment reads the same keys, so any silo can open what another one sealed.

CREATE TABLE data_protection_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    friendly_name VARCHAR(200) NOT NULL,
    xml TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
GO
CREATE UNIQUE INDEX ux_data_protection_keys_name ON data_protection_keys (friendly_name)
GO
