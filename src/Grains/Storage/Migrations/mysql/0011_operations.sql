-- Create requests AmoHub stored before answering: those accepted (202) while amoCRM could not answer, completed in
-- order (seq) once it does, and those sent with an Idempotency-Key, whose answer is replayed for 24 hours. Keys are
-- printable ASCII compared byte for byte: "abc" and "ABC" are two keys.

CREATE TABLE crm_operations (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    account VARCHAR(63) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    request MEDIUMTEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    answered VARCHAR(16) NOT NULL,
    result MEDIUMTEXT NULL,
    failure_status INT NULL,
    failure_field VARCHAR(200) NULL,
    reason VARCHAR(500) NULL,
    callback_url VARCHAR(2048) NULL,
    callback_attempts INT NOT NULL DEFAULT 0,
    callback_due_at BIGINT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
CREATE UNIQUE INDEX ux_crm_operations_id ON crm_operations (id)
GO
CREATE UNIQUE INDEX ux_crm_operations_key ON crm_operations (account, idempotency_key)
GO
CREATE INDEX ix_crm_operations_status ON crm_operations (account, status, seq)
GO
CREATE INDEX ix_crm_operations_callbacks ON crm_operations (account, callback_due_at)
GO
