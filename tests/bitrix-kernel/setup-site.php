<?php
/**
 * Creates (idempotently) the document root of the Bitrix test kernel's site and its database.
 *
 *   php tests/bitrix-kernel/setup-site.php        # prints the document root
 *
 * Root: $CONDUIT_KERNEL_ROOT or <repo>/target/bitrix-site. Database: $CONDUIT_KERNEL_DB or conduit_bitrix
 * on $CONDUIT_KERNEL_DB_HOST (127.0.0.1), user root without password.
 * Engine: $CONDUIT_KERNEL_DB_TYPE, "mysql" (default: MariaDB/MySQL, MysqliConnection, port 3306) or "pgsql"
 * (PostgreSQL, PgsqlConnection, port 5432, user $CONDUIT_KERNEL_DB_USER or postgres, trust auth).
 * Layout: bitrix/modules/main -> tests/bitrix-kernel/main (symlink), bitrix/.settings.php (connections,
 * crypto_key generated once), bitrix/admin (proxies), bitrix/tools, bitrix/php_interface, local/modules, upload.
 * Seeds: module main, groups 1 (administrators) and 2 (everyone), user 1 "admin" in group 1
 * (password $CONDUIT_KERNEL_ADMIN_PASSWORD or "admin123").
 */

const CONDUIT_KERNEL_SCHEMA_VERSION = 5;

function conduit_kernel_root(): string
{
    return rtrim(getenv('CONDUIT_KERNEL_ROOT') ?: dirname(__DIR__, 2) . '/target/bitrix-site', '/');
}
function conduit_kernel_db(): string { return getenv('CONDUIT_KERNEL_DB') ?: 'conduit_bitrix'; }
function conduit_kernel_db_host(): string { return getenv('CONDUIT_KERNEL_DB_HOST') ?: '127.0.0.1'; }
/** "mysql" or "pgsql" (the value of Connection::getType() on the site). */
function conduit_kernel_db_type(): string
{
    $t = strtolower((string)getenv('CONDUIT_KERNEL_DB_TYPE'));
    if ($t === '' || $t === 'mysql' || $t === 'mariadb') return 'mysql';
    if ($t === 'pgsql' || $t === 'postgres' || $t === 'postgresql') return 'pgsql';
    throw new RuntimeException("CONDUIT_KERNEL_DB_TYPE must be mysql or pgsql, not \"$t\"");
}
function conduit_kernel_db_user(): string
{
    return getenv('CONDUIT_KERNEL_DB_USER') ?: (conduit_kernel_db_type() === 'pgsql' ? 'postgres' : 'root');
}

function conduit_kernel_schema(): array
{
    return [
        'b_option' => "CREATE TABLE IF NOT EXISTS b_option (
            MODULE_ID VARCHAR(50) NOT NULL, NAME VARCHAR(100) NOT NULL, VALUE MEDIUMTEXT, DESCRIPTION VARCHAR(255), SITE_ID CHAR(2),
            PRIMARY KEY (MODULE_ID, NAME), INDEX ix_option_name (NAME))",
        'b_option_site' => "CREATE TABLE IF NOT EXISTS b_option_site (
            MODULE_ID VARCHAR(50) NOT NULL, NAME VARCHAR(100) NOT NULL, SITE_ID CHAR(2) NOT NULL, VALUE MEDIUMTEXT,
            PRIMARY KEY (MODULE_ID, NAME, SITE_ID), INDEX ix_option_site_module_site (MODULE_ID, SITE_ID))",
        'b_module' => "CREATE TABLE IF NOT EXISTS b_module (ID VARCHAR(50) NOT NULL, DATE_ACTIVE TIMESTAMP NULL, PRIMARY KEY (ID))",
        'b_module_to_module' => "CREATE TABLE IF NOT EXISTS b_module_to_module (
            ID INT NOT NULL AUTO_INCREMENT, TIMESTAMP_X TIMESTAMP NULL, SORT INT NOT NULL DEFAULT '100', FROM_MODULE_ID VARCHAR(50) NOT NULL,
            MESSAGE_ID VARCHAR(255) NOT NULL, TO_MODULE_ID VARCHAR(50) NOT NULL, TO_PATH VARCHAR(255), TO_CLASS VARCHAR(255),
            TO_METHOD VARCHAR(255), TO_METHOD_ARG VARCHAR(255), VERSION INT NULL, UNIQUE_ID VARCHAR(32) NOT NULL,
            PRIMARY KEY (ID), INDEX ix_module_to_module (FROM_MODULE_ID(20), MESSAGE_ID(20), TO_MODULE_ID(20), TO_CLASS(20), TO_METHOD(20)),
            UNIQUE ux_module_to_module_unique_id (UNIQUE_ID))",
        'b_agent' => "CREATE TABLE IF NOT EXISTS b_agent (
            ID BIGINT NOT NULL AUTO_INCREMENT, MODULE_ID VARCHAR(50), SORT INT NOT NULL DEFAULT '100', NAME TEXT NULL,
            ACTIVE CHAR(1) NOT NULL DEFAULT 'Y', LAST_EXEC DATETIME, NEXT_EXEC DATETIME NOT NULL, DATE_CHECK DATETIME,
            AGENT_INTERVAL INT DEFAULT '86400', IS_PERIOD CHAR(1) DEFAULT 'Y', USER_ID INT, RUNNING CHAR(1) NOT NULL DEFAULT 'N',
            RETRY_COUNT INT NOT NULL DEFAULT 0, PRIMARY KEY (ID), INDEX ix_agent_user_id (USER_ID), INDEX ix_agent_name (NAME(100)),
            INDEX ix_agent_act_period_next_exec (ACTIVE, IS_PERIOD, NEXT_EXEC), INDEX ix_agent_next_exec (NEXT_EXEC),
            INDEX ix_agent_module_act (MODULE_ID, ACTIVE))",
        // b_user: the columns the kernel's auth and agent list use (the real table has ~60 PERSONAL_/WORK_ columns more)
        'b_user' => "CREATE TABLE IF NOT EXISTS b_user (
            ID INT NOT NULL AUTO_INCREMENT, TIMESTAMP_X TIMESTAMP NULL, LOGIN VARCHAR(50) NOT NULL, `PASSWORD` VARCHAR(255) NOT NULL,
            CHECKWORD VARCHAR(255), ACTIVE CHAR(1) NOT NULL DEFAULT 'Y', NAME VARCHAR(50), LAST_NAME VARCHAR(50), EMAIL VARCHAR(255),
            LAST_LOGIN DATETIME, DATE_REGISTER DATETIME NOT NULL, LID CHAR(2), PERSONAL_PHONE VARCHAR(255), WORK_COMPANY VARCHAR(255),
            ADMIN_NOTES TEXT, XML_ID VARCHAR(255), EXTERNAL_AUTH_ID VARCHAR(255), SECOND_NAME VARCHAR(50), LOGIN_ATTEMPTS INT,
            LAST_ACTIVITY_DATE DATETIME, TIME_ZONE VARCHAR(50), TITLE VARCHAR(255) NULL, LANGUAGE_ID CHAR(2) NULL,
            BLOCKED CHAR(1) NOT NULL DEFAULT 'N', PASSWORD_EXPIRED CHAR(1) NOT NULL DEFAULT 'N',
            PRIMARY KEY (ID), UNIQUE ix_login (LOGIN, EXTERNAL_AUTH_ID), INDEX ix_b_user_email (EMAIL))",
        'b_group' => "CREATE TABLE IF NOT EXISTS b_group (
            ID INT NOT NULL AUTO_INCREMENT, TIMESTAMP_X TIMESTAMP NULL, ACTIVE CHAR(1) NOT NULL DEFAULT 'Y', C_SORT INT NOT NULL DEFAULT '100',
            ANONYMOUS CHAR(1) NOT NULL DEFAULT 'N', IS_SYSTEM CHAR(1) NOT NULL DEFAULT 'Y', NAME VARCHAR(255) NOT NULL,
            DESCRIPTION VARCHAR(255), SECURITY_POLICY TEXT, STRING_ID VARCHAR(255), PRIMARY KEY (ID))",
        'b_user_group' => "CREATE TABLE IF NOT EXISTS b_user_group (
            USER_ID INT NOT NULL, GROUP_ID INT NOT NULL, DATE_ACTIVE_FROM DATETIME, DATE_ACTIVE_TO DATETIME,
            UNIQUE ix_user_group (USER_ID, GROUP_ID), INDEX ix_user_group_group (GROUP_ID))",
        'b_module_group' => "CREATE TABLE IF NOT EXISTS b_module_group (
            ID INT NOT NULL AUTO_INCREMENT, MODULE_ID VARCHAR(50) NOT NULL, GROUP_ID INT NOT NULL, G_ACCESS VARCHAR(255) NOT NULL,
            SITE_ID CHAR(2), PRIMARY KEY (ID), UNIQUE UK_GROUP_MODULE (MODULE_ID, GROUP_ID, SITE_ID))",
        'b_user_option' => "CREATE TABLE IF NOT EXISTS b_user_option (
            ID INT NOT NULL AUTO_INCREMENT, USER_ID INT NOT NULL, CATEGORY VARCHAR(50) NOT NULL, NAME VARCHAR(255) NOT NULL,
            VALUE MEDIUMTEXT NULL, COMMON CHAR(1) NOT NULL DEFAULT 'N', PRIMARY KEY (ID), UNIQUE INDEX ux_user_category_name (USER_ID, CATEGORY, NAME))",
        'b_event_log' => "CREATE TABLE IF NOT EXISTS b_event_log (
            ID INT NOT NULL AUTO_INCREMENT, TIMESTAMP_X TIMESTAMP NULL, SEVERITY VARCHAR(50) NOT NULL, AUDIT_TYPE_ID VARCHAR(50) NOT NULL,
            MODULE_ID VARCHAR(50) NOT NULL, ITEM_ID VARCHAR(255) NOT NULL, REMOTE_ADDR VARCHAR(40), USER_AGENT TEXT, REQUEST_URI TEXT,
            SITE_ID CHAR(2), USER_ID INT, GUEST_ID INT, DESCRIPTION MEDIUMTEXT, PRIMARY KEY (ID),
            INDEX ix_b_event_log_time (TIMESTAMP_X), INDEX ix_b_event_log_audit_type_time (AUDIT_TYPE_ID, TIMESTAMP_X))",
    ];
}

/**
 * The same tables on PostgreSQL, as main/install/pgsql/install.sql writes them (unquoted names, so
 * stored in lower case; IDENTITY columns; separate CREATE INDEX), and the helper functions of
 * install_add.sql the connection calls: bx_lastval() (getInsertedId), bx_get_lock()/bx_release_lock() (lock).
 */
function conduit_kernel_schema_pgsql(): array
{
    return [
        "CREATE TABLE IF NOT EXISTS b_option (MODULE_ID varchar(50) NOT NULL, NAME varchar(100) NOT NULL, VALUE text, DESCRIPTION varchar(255),
            SITE_ID char(2), PRIMARY KEY (MODULE_ID, NAME))",
        "CREATE INDEX IF NOT EXISTS ix_b_option_name ON b_option (name)",
        "CREATE TABLE IF NOT EXISTS b_option_site (MODULE_ID varchar(50) NOT NULL, NAME varchar(100) NOT NULL, SITE_ID char(2) NOT NULL, VALUE text,
            PRIMARY KEY (MODULE_ID, NAME, SITE_ID))",
        "CREATE INDEX IF NOT EXISTS ix_b_option_site_module_id_site_id ON b_option_site (module_id, site_id)",
        "CREATE TABLE IF NOT EXISTS b_module (ID varchar(50) NOT NULL, DATE_ACTIVE timestamp DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (ID))",
        "CREATE TABLE IF NOT EXISTS b_module_to_module (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, TIMESTAMP_X timestamp DEFAULT CURRENT_TIMESTAMP,
            SORT int NOT NULL DEFAULT '100', FROM_MODULE_ID varchar(50) NOT NULL, MESSAGE_ID varchar(255) NOT NULL, TO_MODULE_ID varchar(50) NOT NULL,
            TO_PATH varchar(255), TO_CLASS varchar(255), TO_METHOD varchar(255), TO_METHOD_ARG varchar(255), VERSION int, UNIQUE_ID varchar(32) NOT NULL,
            PRIMARY KEY (ID))",
        "CREATE INDEX IF NOT EXISTS ix_b_module_to_module_from_module_id_message_id_to_module_id_to ON b_module_to_module (from_module_id, message_id, to_module_id, to_class, to_method)",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_b_module_to_module_unique_id ON b_module_to_module (unique_id)",
        "CREATE TABLE IF NOT EXISTS b_agent (ID int8 GENERATED BY DEFAULT AS IDENTITY NOT NULL, MODULE_ID varchar(50), SORT int NOT NULL DEFAULT '100',
            NAME text, ACTIVE char(1) NOT NULL DEFAULT 'Y', LAST_EXEC timestamp, NEXT_EXEC timestamp NOT NULL, DATE_CHECK timestamp,
            AGENT_INTERVAL int DEFAULT '86400', IS_PERIOD char(1) DEFAULT 'Y', USER_ID int, RUNNING char(1) NOT NULL DEFAULT 'N',
            RETRY_COUNT int NOT NULL DEFAULT 0, PRIMARY KEY (ID))",
        "CREATE INDEX IF NOT EXISTS ix_b_agent_user_id ON b_agent (user_id)",
        "CREATE INDEX IF NOT EXISTS ix_b_agent_name ON b_agent (name)",
        "CREATE INDEX IF NOT EXISTS ix_b_agent_active_is_period_next_exec ON b_agent (active, is_period, next_exec)",
        "CREATE INDEX IF NOT EXISTS ix_b_agent_next_exec ON b_agent (next_exec)",
        "CREATE INDEX IF NOT EXISTS ix_b_agent_module_id_active ON b_agent (module_id, active)",
        "CREATE TABLE IF NOT EXISTS b_user (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, TIMESTAMP_X timestamp DEFAULT CURRENT_TIMESTAMP,
            LOGIN varchar(50) NOT NULL, PASSWORD varchar(255) NOT NULL, CHECKWORD varchar(255), ACTIVE char(1) NOT NULL DEFAULT 'Y', NAME varchar(50),
            LAST_NAME varchar(50), EMAIL varchar(255), LAST_LOGIN timestamp, DATE_REGISTER timestamp NOT NULL, LID char(2), PERSONAL_PHONE varchar(255),
            WORK_COMPANY varchar(255), ADMIN_NOTES text, XML_ID varchar(255), EXTERNAL_AUTH_ID varchar(255), SECOND_NAME varchar(50), LOGIN_ATTEMPTS int,
            LAST_ACTIVITY_DATE timestamp, TIME_ZONE varchar(50), TITLE varchar(255), LANGUAGE_ID char(2), BLOCKED char(1) NOT NULL DEFAULT 'N',
            PASSWORD_EXPIRED char(1) NOT NULL DEFAULT 'N', PRIMARY KEY (ID))",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_b_user_login_external_auth_id ON b_user (login, external_auth_id)",
        "CREATE INDEX IF NOT EXISTS ix_b_user_email ON b_user (email)",
        "CREATE TABLE IF NOT EXISTS b_group (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, TIMESTAMP_X timestamp DEFAULT CURRENT_TIMESTAMP,
            ACTIVE char(1) NOT NULL DEFAULT 'Y', C_SORT int NOT NULL DEFAULT '100', ANONYMOUS char(1) NOT NULL DEFAULT 'N', IS_SYSTEM char(1) NOT NULL DEFAULT 'Y',
            NAME varchar(255) NOT NULL, DESCRIPTION varchar(255), SECURITY_POLICY text, STRING_ID varchar(255), PRIMARY KEY (ID))",
        "CREATE TABLE IF NOT EXISTS b_user_group (USER_ID int NOT NULL, GROUP_ID int NOT NULL, DATE_ACTIVE_FROM timestamp, DATE_ACTIVE_TO timestamp)",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_b_user_group_user_id_group_id ON b_user_group (user_id, group_id)",
        "CREATE INDEX IF NOT EXISTS ix_b_user_group_group_id ON b_user_group (group_id)",
        "CREATE TABLE IF NOT EXISTS b_module_group (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, MODULE_ID varchar(50) NOT NULL, GROUP_ID int NOT NULL,
            G_ACCESS varchar(255) NOT NULL, SITE_ID char(2), PRIMARY KEY (ID))",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_b_module_group_module_id_group_id_site_id ON b_module_group (module_id, group_id, site_id)",
        "CREATE TABLE IF NOT EXISTS b_user_option (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, USER_ID int NOT NULL, CATEGORY varchar(50) NOT NULL,
            NAME varchar(255) NOT NULL, VALUE text, COMMON char(1) NOT NULL DEFAULT 'N', PRIMARY KEY (ID))",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_b_user_option_user_id_category_name ON b_user_option (user_id, category, name)",
        "CREATE TABLE IF NOT EXISTS b_event_log (ID int GENERATED BY DEFAULT AS IDENTITY NOT NULL, TIMESTAMP_X timestamp DEFAULT CURRENT_TIMESTAMP,
            SEVERITY varchar(50) NOT NULL, AUDIT_TYPE_ID varchar(50) NOT NULL, MODULE_ID varchar(50) NOT NULL, ITEM_ID varchar(255) NOT NULL,
            REMOTE_ADDR varchar(40), USER_AGENT text, REQUEST_URI text, SITE_ID char(2), USER_ID int, GUEST_ID int, DESCRIPTION text, PRIMARY KEY (ID))",
        "CREATE INDEX IF NOT EXISTS ix_b_event_log_time ON b_event_log (timestamp_x)",
        "CREATE INDEX IF NOT EXISTS ix_b_event_log_audit_type_id_timestamp_x ON b_event_log (audit_type_id, timestamp_x)",
        "CREATE OR REPLACE FUNCTION UNIX_TIMESTAMP(date_field timestamp with time zone) RETURNS integer AS $$
        BEGIN
            RETURN extract(epoch FROM date_field);
        END;
        $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION bx_lastval() RETURNS bigint AS $$
        BEGIN
            RETURN lastval();
            EXCEPTION WHEN OTHERS THEN RETURN 0;
        END;
        $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION bx_get_lock(p_key bigint, p_timeout numeric) RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE t0 timestamptz := clock_timestamp();
        BEGIN
            LOOP
                IF pg_try_advisory_lock(p_key) THEN RETURN 0;
                ELSIF p_timeout >= 0 AND clock_timestamp() > t0 + (p_timeout || ' seconds')::interval THEN RETURN 1;
                ELSE PERFORM pg_sleep(0.01);
                END IF;
            END LOOP;
        END;
        $$",
        "CREATE OR REPLACE FUNCTION bx_release_lock(p_key bigint) RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
            IF pg_advisory_unlock(p_key) THEN RETURN 0; ELSE RETURN 1; END IF;
        END;
        $$",
    ];
}

function conduit_kernel_write_if_changed(string $path, string $content): void
{
    if (!is_file($path) || file_get_contents($path) !== $content) {
        @mkdir(dirname($path), 0777, true);
        file_put_contents($path, $content);
    }
}

/** @return string the document root */
function conduit_kernel_setup_site(bool $force = false): string
{
    $root = conduit_kernel_root();
    $db = conduit_kernel_db();
    $host = conduit_kernel_db_host();
    $type = conduit_kernel_db_type();
    $user = conduit_kernel_db_user();
    $kernelMain = __DIR__ . '/main';
    $stamp = $root . '/bitrix/.kernel-setup';
    $stampValue = CONDUIT_KERNEL_SCHEMA_VERSION . ' ' . $type . ' ' . $db . ' ' . $host . ' ' . $user . ' ' . $kernelMain;

    if (!$force && is_file($stamp) && trim(file_get_contents($stamp)) === $stampValue && is_link($root . '/bitrix/modules/main')) {
        // still verify the database is there (it may have been dropped since)
        if ($type === 'pgsql') {
            $pg = @pg_connect(conduit_kernel_pg_dsn($host, $user, $db), PGSQL_CONNECT_FORCE_NEW);
            $ok = $pg && @pg_query($pg, 'SELECT 1 FROM b_module LIMIT 1') !== false;
            if ($pg) pg_close($pg);
        } else {
            mysqli_report(MYSQLI_REPORT_OFF);
            $m = @new mysqli($host, $user, '', $db, 3306);
            $ok = !$m->connect_errno && $m->query('SELECT 1 FROM b_module LIMIT 1') !== false;
            if (!$m->connect_errno) $m->close();
        }
        if ($ok) return $root;
    }

    foreach (['bitrix/modules', 'bitrix/admin', 'bitrix/tools', 'bitrix/php_interface', 'bitrix/cache', 'local/modules', 'local/php_interface', 'upload'] as $d) {
        if (!is_dir("$root/$d")) mkdir("$root/$d", 0777, true);
    }
    $link = "$root/bitrix/modules/main";
    if (is_link($link) && readlink($link) !== $kernelMain) unlink($link);
    if (!is_link($link)) {
        if (file_exists($link)) throw new RuntimeException("$link exists and is not a symlink");
        symlink($kernelMain, $link);
    }

    // .settings.php: keep crypto_key once generated
    $settingsFile = "$root/bitrix/.settings.php";
    $key = null;
    if (is_file($settingsFile)) {
        $old = include $settingsFile;
        $key = $old['crypto']['value']['crypto_key'] ?? null;
    }
    if (!is_string($key) || !preg_match('/^[0-9a-f]{32}$/', $key)) $key = bin2hex(random_bytes(16));
    $settings = [
        'utf_mode' => ['value' => true, 'readonly' => true],
        'connections' => ['value' => ['default' => $type === 'pgsql'
            ? ['className' => '\\Bitrix\\Main\\DB\\PgsqlConnection', 'host' => $host, 'database' => $db, 'login' => $user, 'password' => '', 'options' => 2]
            : ['className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => $host, 'database' => $db, 'login' => $user, 'password' => '', 'options' => 2],
        ], 'readonly' => true],
        'crypto' => ['value' => ['crypto_key' => $key], 'readonly' => true],
        'exception_handling' => ['value' => ['debug' => true, 'handled_errors_types' => E_ALL & ~E_NOTICE & ~E_DEPRECATED, 'log' => null], 'readonly' => false],
    ];
    conduit_kernel_write_if_changed($settingsFile, "<?php\nreturn " . var_export($settings, true) . ";\n");

    conduit_kernel_write_if_changed("$root/bitrix/php_interface/after_connect_d7.php", $type === 'pgsql'
        ? "<?php\n// PostgreSQL: nothing to set (sql_mode is MySQL's; the connection sets the session time zone itself)\n"
        : "<?php\n// as on real sites (the site checker requires sql_mode=''); CONDUIT_KERNEL_SQL_MODE overrides, e.g. STRICT_TRANS_TABLES\n"
        . "\$connection = \\Bitrix\\Main\\Application::getConnection();\n"
        . "\$connection->queryExecute(\"SET sql_mode='\" . \$connection->getSqlHelper()->forSql((string)getenv('CONDUIT_KERNEL_SQL_MODE')) . \"'\");\n");
    foreach (['settings.php', 'group_rights.php', 'index.php', 'partner_modules.php'] as $page) {
        conduit_kernel_write_if_changed("$root/bitrix/admin/$page", "<?php\nrequire_once(\$_SERVER[\"DOCUMENT_ROOT\"].\"/bitrix/modules/main/admin/$page\");\n");
    }
    conduit_kernel_write_if_changed("$root/index.php", "<?php\nrequire \$_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';\necho 'Bitrix test kernel site';\n");

    // database
    if ($type === 'pgsql') {
        conduit_kernel_setup_pgsql($host, $user, $db);
        file_put_contents($stamp, $stampValue . "\n");
        return $root;
    }
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $m = new mysqli($host, $user, '', '', 3306);
    $m->set_charset('utf8mb4');
    $m->query('CREATE DATABASE IF NOT EXISTS `' . $m->real_escape_string($db) . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    $m->select_db($db);
    foreach (conduit_kernel_schema() as $sql) $m->query($sql);
    $m->query("INSERT IGNORE INTO b_module (ID, DATE_ACTIVE) VALUES ('main', NOW())");
    $m->query("INSERT IGNORE INTO b_group (ID, ACTIVE, C_SORT, ANONYMOUS, IS_SYSTEM, NAME, DESCRIPTION, STRING_ID) VALUES
        (1, 'Y', 1, 'N', 'Y', 'Administrators', 'Full access.', 'ADMIN'),
        (2, 'Y', 2, 'Y', 'Y', 'Everyone', 'All users, including anonymous.', 'EVERYONE')");
    $pass = getenv('CONDUIT_KERNEL_ADMIN_PASSWORD') ?: 'admin123';
    $exists = $m->query('SELECT ID FROM b_user WHERE ID = 1')->fetch_assoc();
    if (!$exists) {
        $st = $m->prepare("INSERT INTO b_user (ID, LOGIN, `PASSWORD`, ACTIVE, NAME, EMAIL, DATE_REGISTER, LID) VALUES (1, 'admin', ?, 'Y', 'Admin', 'admin@example.com', NOW(), 's1')");
        $h = password_hash($pass, PASSWORD_DEFAULT);
        $st->bind_param('s', $h);
        $st->execute();
        $m->query('INSERT IGNORE INTO b_user_group (USER_ID, GROUP_ID) VALUES (1, 1)');
    }
    $m->close();
    file_put_contents($stamp, $stampValue . "\n");
    return $root;
}

/** pg_connect() string: host "h", "h:port" or a socket directory. */
function conduit_kernel_pg_dsn(string $host, string $user, string $db): string
{
    $port = 5432;
    if (($pos = strrpos($host, ':')) !== false && ctype_digit(substr($host, $pos + 1))) {
        $port = (int)substr($host, $pos + 1);
        $host = substr($host, 0, $pos);
    }
    return "host='" . addslashes($host) . "' port=$port dbname='" . addslashes($db) . "' user='" . addslashes($user) . "' options='--client_encoding=UTF8'";
}

/** Creates the PostgreSQL database (UTF8) if missing, its tables and functions, and the seed rows. */
function conduit_kernel_setup_pgsql(string $host, string $user, string $db): void
{
    $run = function ($pg, string $sql) {
        $r = @pg_query($pg, $sql);
        if ($r === false) throw new RuntimeException('PostgreSQL: ' . pg_last_error($pg) . "\nin: " . $sql);
        return $r;
    };
    $admin = @pg_connect(conduit_kernel_pg_dsn($host, $user, 'postgres'), PGSQL_CONNECT_FORCE_NEW);
    if (!$admin) throw new RuntimeException("cannot connect to PostgreSQL at $host as $user (is it running? scripts/ensure-postgres.sh)");
    $exists = pg_fetch_row($run($admin, "SELECT 1 FROM pg_database WHERE datname = '" . pg_escape_string($admin, $db) . "'"));
    if (!$exists) $run($admin, 'CREATE DATABASE ' . pg_escape_identifier($admin, $db) . " ENCODING 'UTF8' TEMPLATE template0");
    pg_close($admin);

    $pg = pg_connect(conduit_kernel_pg_dsn($host, $user, $db), PGSQL_CONNECT_FORCE_NEW);
    $run($pg, 'SET client_min_messages = warning');
    foreach (conduit_kernel_schema_pgsql() as $sql) $run($pg, $sql);
    $run($pg, "INSERT INTO b_module (ID, DATE_ACTIVE) VALUES ('main', now()) ON CONFLICT DO NOTHING");
    $run($pg, "INSERT INTO b_group (ID, ACTIVE, C_SORT, ANONYMOUS, IS_SYSTEM, NAME, DESCRIPTION, STRING_ID) VALUES
        (1, 'Y', 1, 'N', 'Y', 'Administrators', 'Full access.', 'ADMIN'),
        (2, 'Y', 2, 'Y', 'Y', 'Everyone', 'All users, including anonymous.', 'EVERYONE') ON CONFLICT DO NOTHING");
    if (!pg_fetch_row($run($pg, 'SELECT ID FROM b_user WHERE ID = 1'))) {
        $hash = password_hash(getenv('CONDUIT_KERNEL_ADMIN_PASSWORD') ?: 'admin123', PASSWORD_DEFAULT);
        $r = pg_query_params($pg, "INSERT INTO b_user (ID, LOGIN, PASSWORD, ACTIVE, NAME, EMAIL, DATE_REGISTER, LID) VALUES (1, 'admin', $1, 'Y', 'Admin', 'admin@example.com', now(), 's1')", [$hash]);
        if ($r === false) throw new RuntimeException('PostgreSQL: ' . pg_last_error($pg));
        $run($pg, 'INSERT INTO b_user_group (USER_ID, GROUP_ID) VALUES (1, 1) ON CONFLICT DO NOTHING');
    }
    // rows inserted with explicit IDs leave the identity sequences behind (the kernel's install_add.sql
    // restarts b_group at 10 for the same reason)
    foreach (['b_user', 'b_group'] as $t) {
        $run($pg, "SELECT setval(pg_get_serial_sequence('$t', 'id'), GREATEST((SELECT MAX(id) FROM $t), 10))");
    }
    pg_close($pg);
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    echo conduit_kernel_setup_site(in_array('--force', $argv, true)), "\n";
}
