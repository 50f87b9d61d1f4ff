-- The data protection key ring that seals stored secrets (notification webhook URLs, amoCRM tokens and client
-- secrets). Every silo of a deployment reads the same keys, so any silo can open what another one sealed.

CREATE TABLE data_protection_keys (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    friendly_name VARCHAR(200) NOT NULL,
    xml MEDIUMTEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE KEY ux_data_protection_keys_name (friendly_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
