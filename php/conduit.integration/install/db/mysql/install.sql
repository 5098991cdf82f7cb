-- conduit.integration: the module's own tables on MySQL 8+ / MariaDB 10.6+ (the extension's
-- tables come from its migrations). Run by Storage\ModuleTables::create() through the site's
-- connection, statement by statement; idempotent. The PostgreSQL mirror is ../pgsql/install.sql.

-- Received webhook deliveries (Orm\WebhookEventTable); times are Unix milliseconds.
CREATE TABLE IF NOT EXISTS b_conduit_webhook_event (
    ID BIGINT NOT NULL AUTO_INCREMENT,
    CREATED_AT BIGINT NOT NULL,
    SOURCE VARCHAR(64) NOT NULL,
    VERDICT VARCHAR(16) NOT NULL,
    REASON VARCHAR(64) NULL,
    HTTP_STATUS SMALLINT NOT NULL,
    EVENT_ID VARCHAR(191) NULL,
    EVENT_TYPE VARCHAR(191) NULL,
    JOB_ID BIGINT NULL,
    BODY_BYTES INT NOT NULL,
    REMOTE_ADDR VARCHAR(45) NULL,
    MESSAGE VARCHAR(255) NULL,
    PRIMARY KEY (ID),
    KEY IX_CONDUIT_WHE_CREATED (CREATED_AT),
    KEY IX_CONDUIT_WHE_SOURCE (SOURCE, CREATED_AT),
    KEY IX_CONDUIT_WHE_VERDICT (VERDICT, CREATED_AT),
    KEY IX_CONDUIT_WHE_EVENT (SOURCE, EVENT_ID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Worker heartbeats (Orm\WorkerTable); times are Unix milliseconds.
CREATE TABLE IF NOT EXISTS b_conduit_worker (
    ID VARCHAR(100) NOT NULL,
    HOST VARCHAR(100) NOT NULL,
    PID INT NOT NULL,
    STATUS VARCHAR(16) NOT NULL,
    STOP_REASON VARCHAR(32) NULL,
    TYPES VARCHAR(255) NULL,
    STARTED_AT BIGINT NOT NULL,
    HEARTBEAT_AT BIGINT NOT NULL,
    JOBS_DONE INT NOT NULL,
    JOBS_FAILED INT NOT NULL,
    MEMORY_BYTES BIGINT NOT NULL,
    LAST_ERROR VARCHAR(255) NULL,
    PRIMARY KEY (ID),
    KEY IX_CONDUIT_WORKER_HEARTBEAT (HEARTBEAT_AT)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
