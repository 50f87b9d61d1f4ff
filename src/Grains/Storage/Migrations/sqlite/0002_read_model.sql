-- The queryable read model. Grains stay the source of truth; every change upserts here.
-- Times are Unix milliseconds (BIGINT) in both engines so the same queries run on both.

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account VARCHAR(63) NOT NULL,
    amocrm_id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    phone VARCHAR(32) NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT ux_contacts_account_amocrm UNIQUE (account, amocrm_id)
)
GO
CREATE INDEX ix_contacts_phone ON contacts (account, phone)
GO
CREATE INDEX ix_contacts_name ON contacts (account, name)
GO

CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account VARCHAR(63) NOT NULL,
    amocrm_id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    status_id BIGINT NULL,
    pipeline_id BIGINT NULL,
    contact_id BIGINT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT ux_leads_account_amocrm UNIQUE (account, amocrm_id),
    CONSTRAINT fk_leads_contact FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE SET NULL
)
GO
CREATE INDEX ix_leads_name ON leads (account, name)
GO

CREATE TABLE health_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account VARCHAR(63) NOT NULL,
    check_type VARCHAR(8) NOT NULL,
    timestamp BIGINT NOT NULL,
    status VARCHAR(8) NOT NULL,
    response_time INT NOT NULL,
    http_status INT NULL,
    error_message VARCHAR(500) NULL
)
GO
CREATE INDEX ix_health_checks_account_check_time ON health_checks (account, check_type, timestamp)
GO
CREATE INDEX ix_health_checks_time ON health_checks (timestamp)
GO

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account VARCHAR(63) NOT NULL,
    check_type VARCHAR(8) NOT NULL,
    start_time BIGINT NOT NULL,
    end_time BIGINT NULL,
    duration BIGINT NULL,
    details VARCHAR(1000) NULL
)
GO
CREATE INDEX ix_incidents_account_start ON incidents (account, start_time)
GO

-- Per (account, check, bucket) counts and a latency histogram: long-range stats and percentiles
-- read these instead of raw rows. resolution: 'm' minute, 'h' hour, 'd' day.
CREATE TABLE health_rollups (
    account VARCHAR(63) NOT NULL,
    check_type VARCHAR(8) NOT NULL,
    resolution CHAR(1) NOT NULL,
    bucket_start BIGINT NOT NULL,
    total INT NOT NULL,
    up INT NOT NULL,
    warning INT NOT NULL,
    down INT NOT NULL,
    response_time_sum BIGINT NOT NULL,
    response_time_min INT NOT NULL,
    response_time_max INT NOT NULL,
    histogram BLOB NOT NULL,
    PRIMARY KEY (account, check_type, resolution, bucket_start)
)
GO
