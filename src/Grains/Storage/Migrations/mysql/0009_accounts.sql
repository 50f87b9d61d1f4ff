-- The account registry, one row per account (and per webhook secret): adding an account writes its row only. The
-- registry grain used to keep them all in its state, which every add rewrote whole (5.3 s an add at 1,000
-- accounts); it moves a state it finds here on its first activation.

CREATE TABLE accounts (
    subdomain VARCHAR(63) NOT NULL PRIMARY KEY,
    base_url VARCHAR(2048) NOT NULL,
    is_sandbox BOOLEAN NOT NULL,
    test_lead_id BIGINT NULL,
    test_contact_id BIGINT NULL,
    from_configuration BOOLEAN NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
GO
CREATE TABLE webhook_secrets (
    secret_hash VARCHAR(128) NOT NULL PRIMARY KEY,
    account VARCHAR(63) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
GO
