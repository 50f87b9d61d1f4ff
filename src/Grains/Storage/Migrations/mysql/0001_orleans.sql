-- Orleans storage for MySQL 8 / MariaDB 10.11 (ADO.NET invariant MySql.Data.MySqlConnector):
-- grain state, reminders and cluster membership.
-- Orleans loads its SQL from OrleansQuery by key, binds parameters by name and reads
-- results by column name; the tables behind the queries are ours.
-- Identity text columns use utf8mb4_bin so keys compare case-sensitively.
-- Procedure bodies must not contain user variables: MySqlConnector would take them for parameters.

CREATE TABLE OrleansQuery
(
    QueryKey  VARCHAR(64)   NOT NULL PRIMARY KEY,
    QueryText VARCHAR(8000) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
GO

-- ---------------------------------------------------------------------------
-- Grain state
-- ---------------------------------------------------------------------------

-- One row per grain state. The two hashes find the row; the remaining identity
-- columns separate hash collisions. A missing key extension is stored as an empty string.
-- The unique key takes 255-character prefixes of the long texts to stay under
-- the 3072-byte InnoDB key limit; both hashes are part of it as well.
CREATE TABLE OrleansGrainState
(
    GrainIdHash            INT          NOT NULL,
    GrainIdN0              BIGINT       NOT NULL,
    GrainIdN1              BIGINT       NOT NULL,
    GrainTypeHash          INT          NOT NULL,
    GrainTypeString        VARCHAR(512) COLLATE utf8mb4_bin NOT NULL,
    GrainIdExtensionString VARCHAR(512) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    ServiceId              VARCHAR(150) COLLATE utf8mb4_bin NOT NULL,
    PayloadBinary          LONGBLOB     NULL,
    ModifiedOn             DATETIME(3)  NOT NULL,
    Version                INT          NOT NULL,
    CONSTRAINT UX_OrleansGrainState UNIQUE (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1,
        ServiceId, GrainTypeString(255), GrainIdExtensionString(255))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
GO

-- Without a version: insert version 1; a row that already exists (also one inserted
-- concurrently) makes it return NULL. With a version: update only when it matches.
-- Returns the new version, or the unchanged input when nothing was written, which
-- Orleans reports as InconsistentStateException.
CREATE PROCEDURE OrleansWriteGrainState
(
    IN pGrainIdHash            INT,
    IN pGrainIdN0              BIGINT,
    IN pGrainIdN1              BIGINT,
    IN pGrainTypeHash          INT,
    IN pGrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    IN pGrainIdExtensionString VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    IN pServiceId              VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    IN pGrainStateVersion      INT,
    IN pPayloadBinary          LONGBLOB
)
BEGIN
    DECLARE vNewVersion INT DEFAULT NULL;
    DECLARE vDuplicate  INT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR 1062 SET vDuplicate = 1;

    IF pGrainStateVersion IS NULL THEN
        INSERT INTO OrleansGrainState
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (pGrainIdHash, pGrainIdN0, pGrainIdN1, pGrainTypeHash, pGrainTypeString,
             COALESCE(pGrainIdExtensionString, ''), pServiceId, pPayloadBinary, UTC_TIMESTAMP(3), 1);
        IF vDuplicate = 0 THEN
            SET vNewVersion = 1;
        END IF;
    ELSE
        UPDATE OrleansGrainState
        SET PayloadBinary = pPayloadBinary,
            ModifiedOn = UTC_TIMESTAMP(3),
            Version = Version + 1
        WHERE GrainIdHash = pGrainIdHash
          AND GrainTypeHash = pGrainTypeHash
          AND GrainIdN0 = pGrainIdN0
          AND GrainIdN1 = pGrainIdN1
          AND ServiceId = pServiceId
          AND GrainTypeString = pGrainTypeString
          AND GrainIdExtensionString = COALESCE(pGrainIdExtensionString, '')
          AND Version = pGrainStateVersion;
        IF ROW_COUNT() > 0 THEN
            SET vNewVersion = pGrainStateVersion + 1;
        ELSE
            SET vNewVersion = pGrainStateVersion;
        END IF;
    END IF;

    SELECT vNewVersion AS NewGrainStateVersion;
END
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansGrainState
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
LIMIT 1;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
CALL OrleansWriteGrainState(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
')
GO

-- Clear keeps the row (payload NULL) and bumps the version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansGrainState
SET PayloadBinary = NULL,
    ModifiedOn = UTC_TIMESTAMP(3),
    Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion;
SELECT IF(ROW_COUNT() > 0, @GrainStateVersion + 1, @GrainStateVersion) AS NewGrainStateVersion;
')
GO

-- Used only with DeleteStateOnClear = true: removes the row, returns version + 1.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansGrainState
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion;
SELECT IF(ROW_COUNT() > 0, @GrainStateVersion + 1, @GrainStateVersion) AS NewGrainStateVersion;
')
GO

-- ---------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------

-- Period is in milliseconds. GrainHash is the grain uniform hash as a signed INT.
CREATE TABLE OrleansReminder
(
    ServiceId    VARCHAR(150) COLLATE utf8mb4_bin NOT NULL,
    GrainId      VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    ReminderName VARCHAR(150) COLLATE utf8mb4_bin NOT NULL,
    StartTime    DATETIME(3)  NOT NULL,
    Period       BIGINT       NOT NULL,
    GrainHash    INT          NOT NULL,
    Version      INT          NOT NULL,
    CONSTRAINT PK_OrleansReminder PRIMARY KEY (ServiceId, GrainId, ReminderName)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
GO

CREATE INDEX IX_OrleansReminder_GrainHash ON OrleansReminder (ServiceId, GrainHash)
GO

-- LAST_INSERT_ID(expr) carries the written version to the SELECT on this
-- connection: 1 for a new reminder, old + 1 for an existing one.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
INSERT INTO OrleansReminder (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, LAST_INSERT_ID(1))
ON DUPLICATE KEY UPDATE
    StartTime = @StartTime,
    Period = @Period,
    GrainHash = @GrainHash,
    Version = LAST_INSERT_ID(Version + 1);
SELECT LAST_INSERT_ID() AS Version;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansReminder
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansReminder
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName;
')
GO

-- Hash range (BeginHash, EndHash] when it does not wrap around.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansReminder
WHERE ServiceId = @ServiceId
  AND GrainHash > @BeginHash
  AND GrainHash <= @EndHash;
')
GO

-- Hash range that wraps around the end of the ring.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansReminder
WHERE ServiceId = @ServiceId
  AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
DELETE FROM OrleansReminder
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName
  AND Version = @Version;
SELECT ROW_COUNT() > 0 AS Deleted;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
DELETE FROM OrleansReminder
WHERE ServiceId = @ServiceId;
')
GO

-- ---------------------------------------------------------------------------
-- Cluster membership
-- ---------------------------------------------------------------------------

-- One version row per cluster (DeploymentId); every membership change bumps it.
CREATE TABLE OrleansClusterVersion
(
    DeploymentId VARCHAR(150) COLLATE utf8mb4_bin NOT NULL,
    Version      INT          NOT NULL DEFAULT 0,
    ModifiedOn   DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    CONSTRAINT PK_OrleansClusterVersion PRIMARY KEY (DeploymentId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
GO

-- One row per silo incarnation (address, port, generation).
-- SuspectTimes is the list Orleans formats itself (silo,time|silo,time).
CREATE TABLE OrleansClusterMember
(
    DeploymentId VARCHAR(150)  COLLATE utf8mb4_bin NOT NULL,
    Address      VARCHAR(45)   COLLATE utf8mb4_bin NOT NULL,
    Port         INT           NOT NULL,
    Generation   INT           NOT NULL,
    SiloName     VARCHAR(150)  NOT NULL,
    HostName     VARCHAR(150)  NOT NULL,
    Status       INT           NOT NULL,
    ProxyPort    INT           NULL,
    SuspectTimes VARCHAR(8000) NULL,
    StartTime    DATETIME(3)   NOT NULL,
    IAmAliveTime DATETIME(3)   NOT NULL,
    CONSTRAINT PK_OrleansClusterMember PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansClusterMember_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansClusterVersion (DeploymentId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
GO

-- Creates the version row once; returns 1 when created, 0 when it already existed
-- (also when another silo created it at the same moment).
CREATE PROCEDURE OrleansInitClusterVersion
(
    IN pDeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
)
BEGIN
    DECLARE vCreated INT DEFAULT 1;
    DECLARE CONTINUE HANDLER FOR 1062 SET vCreated = 0;

    INSERT INTO OrleansClusterVersion (DeploymentId, Version) VALUES (pDeploymentId, 0);

    SELECT vCreated AS Created;
END
GO

-- Bumps the version (only if it still equals pVersion) and inserts the member in one
-- transaction: both happen or neither. Returns 1 on success, 0 otherwise.
CREATE PROCEDURE OrleansInsertClusterMember
(
    IN pDeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    IN pAddress      VARCHAR(45)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    IN pPort         INT,
    IN pGeneration   INT,
    IN pVersion      INT,
    IN pSiloName     VARCHAR(150) CHARACTER SET utf8mb4,
    IN pHostName     VARCHAR(150) CHARACTER SET utf8mb4,
    IN pStatus       INT,
    IN pProxyPort    INT,
    IN pStartTime    DATETIME(3),
    IN pIAmAliveTime DATETIME(3)
)
BEGIN
    DECLARE vInserted  INT DEFAULT 0;
    DECLARE vDuplicate INT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR 1062 SET vDuplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    START TRANSACTION;

    UPDATE OrleansClusterVersion
    SET Version = Version + 1
    WHERE DeploymentId = pDeploymentId
      AND Version = pVersion;

    IF ROW_COUNT() > 0 THEN
        INSERT INTO OrleansClusterMember
            (DeploymentId, Address, Port, Generation, SiloName, HostName,
             Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
        VALUES
            (pDeploymentId, pAddress, pPort, pGeneration, pSiloName, pHostName,
             pStatus, pProxyPort, NULL, pStartTime, pIAmAliveTime);
        IF vDuplicate = 0 THEN
            SET vInserted = 1;
        END IF;
    END IF;

    IF vInserted = 1 THEN
        COMMIT;
    ELSE
        ROLLBACK;
    END IF;

    SELECT vInserted AS Inserted;
END
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
CALL OrleansInitClusterVersion(@DeploymentId);
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
CALL OrleansInsertClusterMember(@DeploymentId, @Address, @Port, @Generation, @Version,
    @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime);
')
GO

-- A single multi-table UPDATE: the version bump and the member change commit together,
-- and nothing changes unless the version matches and the member exists.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
UPDATE OrleansClusterVersion AS v
    INNER JOIN OrleansClusterMember AS m ON m.DeploymentId = v.DeploymentId
SET v.Version = v.Version + 1,
    m.Status = @Status,
    m.SuspectTimes = @SuspectTimes,
    m.IAmAliveTime = GREATEST(m.IAmAliveTime, @IAmAliveTime)
WHERE v.DeploymentId = @DeploymentId
  AND v.Version = @Version
  AND m.Address = @Address
  AND m.Port = @Port
  AND m.Generation = @Generation;
SELECT ROW_COUNT() > 0 AS Updated;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE OrleansClusterMember
SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation;
')
GO

-- Always yields the version row; member columns are NULL when the silo is unknown.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansClusterVersion AS v
    LEFT JOIN OrleansClusterMember AS m
        ON m.DeploymentId = v.DeploymentId
       AND m.Address = @Address
       AND m.Port = @Port
       AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansClusterVersion AS v
    LEFT JOIN OrleansClusterMember AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansClusterMember
WHERE DeploymentId = @DeploymentId
  AND Status = @Status
  AND ProxyPort > 0;
')
GO

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansClusterMember WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansClusterVersion WHERE DeploymentId = @DeploymentId;
')
GO

-- Removes dead silos (Status 6) that stopped reporting before IAmAliveTime.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansClusterMember
WHERE DeploymentId = @DeploymentId
  AND Status = 6
  AND IAmAliveTime < @IAmAliveTime;
')
GO

-- Optional key: removes one dead silo entry.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntryKey', '
DELETE FROM OrleansClusterMember
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
  AND Status = 6;
')
GO
