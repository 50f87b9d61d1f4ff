-- Probe results in a compact table (about half the bytes of health_checks): the account as a small integer from
-- check_accounts, the check type and status as small integers (the CheckType and HealthStatus enum values: GET 0,
-- POST 1, WEB 2, HOOK 3, DP 4; unknown 0, up 1, warning 2, down 3), clustered (InnoDB's primary key) on (account,
-- check, time, id) so that no separate index is needed: the reads of one check's range and the purge walk that key.
-- The id, unique and increasing, is handed out from check_result_ids by the writer; it keeps the ids the results
-- had and makes two results of one check in one millisecond two rows. health_checks becomes a view of the same
-- columns as before. check_accounts also lists the accounts that have rollups only: the retention purge walks it.

CREATE TABLE check_accounts (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account VARCHAR(63) NOT NULL,
    CONSTRAINT ux_check_accounts_account UNIQUE (account)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
INSERT INTO check_accounts (account) SELECT account FROM health_checks UNION SELECT account FROM health_rollups ORDER BY account
GO
CREATE TABLE check_results (
    account_id INT NOT NULL,
    check_type TINYINT NOT NULL,
    timestamp BIGINT NOT NULL,
    id BIGINT NOT NULL,
    status TINYINT NOT NULL,
    response_time INT NOT NULL,
    http_status SMALLINT NULL,
    error_code VARCHAR(32) NULL,
    error_message VARCHAR(500) NULL,
    PRIMARY KEY (account_id, check_type, timestamp, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
GO
INSERT INTO check_results (account_id, check_type, timestamp, id, status, response_time, http_status, error_code, error_message)
SELECT a.id,
    CASE h.check_type WHEN 'GET' THEN 0 WHEN 'POST' THEN 1 WHEN 'WEB' THEN 2 WHEN 'HOOK' THEN 3 WHEN 'DP' THEN 4 END,
    h.timestamp, h.id,
    CASE h.status WHEN 'up' THEN 1 WHEN 'warning' THEN 2 WHEN 'down' THEN 3 ELSE 0 END,
    h.response_time, h.http_status, h.error_code, h.error_message
FROM health_checks h JOIN check_accounts a ON a.account = h.account
WHERE h.check_type IN ('GET', 'POST', 'WEB', 'HOOK', 'DP')
ORDER BY 1, 2, 3, 4
GO
CREATE TABLE check_result_ids (
    next_id BIGINT NOT NULL
) ENGINE=InnoDB
GO
INSERT INTO check_result_ids (next_id) SELECT COALESCE(MAX(id), 0) + 1 FROM health_checks
GO
DROP TABLE health_checks
GO
CREATE VIEW health_checks AS
SELECT r.id AS id, a.account AS account,
    CASE r.check_type WHEN 0 THEN 'GET' WHEN 1 THEN 'POST' WHEN 2 THEN 'WEB' WHEN 3 THEN 'HOOK' WHEN 4 THEN 'DP' END AS check_type,
    r.timestamp AS timestamp,
    CASE r.status WHEN 1 THEN 'up' WHEN 2 THEN 'warning' WHEN 3 THEN 'down' ELSE 'unknown' END AS status,
    r.response_time AS response_time, r.http_status AS http_status, r.error_message AS error_message, r.error_code AS error_code
FROM check_results r JOIN check_accounts a ON a.id = r.account_id
GO

-- The retention purge walks the rollups' key account by account: their (resolution, bucket_start) index goes.
DROP INDEX ix_health_rollups_resolution_bucket ON health_rollups
GO
