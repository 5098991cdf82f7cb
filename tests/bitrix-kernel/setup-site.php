<?php
/**
 * Creates (idempotently) the document root of the Bitrix test kernel's site and its database.
 *
 *   php tests/bitrix-kernel/setup-site.php        # prints the document root
 *
 * Root: $CONDUIT_KERNEL_ROOT or <repo>/target/bitrix-site. Database: $CONDUIT_KERNEL_DB or conduit_bitrix
 * on $CONDUIT_KERNEL_DB_HOST (127.0.0.1), user root without password.
 * Layout: bitrix/modules/main -> tests/bitrix-kernel/main (symlink), bitrix/.settings.php (connections,
 * crypto_key generated once), bitrix/admin (proxies), bitrix/tools, bitrix/php_interface, local/modules, upload.
 * Seeds: module main, groups 1 (administrators) and 2 (everyone), user 1 "admin" in group 1
 * (password $CONDUIT_KERNEL_ADMIN_PASSWORD or "admin123").
 */

const CONDUIT_KERNEL_SCHEMA_VERSION = 4;

function conduit_kernel_root(): string
{
    return rtrim(getenv('CONDUIT_KERNEL_ROOT') ?: dirname(__DIR__, 2) . '/target/bitrix-site', '/');
}
function conduit_kernel_db(): string { return getenv('CONDUIT_KERNEL_DB') ?: 'conduit_bitrix'; }
function conduit_kernel_db_host(): string { return getenv('CONDUIT_KERNEL_DB_HOST') ?: '127.0.0.1'; }

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
    $kernelMain = __DIR__ . '/main';
    $stamp = $root . '/bitrix/.kernel-setup';
    $stampValue = CONDUIT_KERNEL_SCHEMA_VERSION . ' ' . $db . ' ' . $host . ' ' . $kernelMain;

    if (!$force && is_file($stamp) && trim(file_get_contents($stamp)) === $stampValue && is_link($root . '/bitrix/modules/main')) {
        // still verify the database is there (it may have been dropped since)
        mysqli_report(MYSQLI_REPORT_OFF);
        $m = @new mysqli($host, 'root', '', $db, 3306);
        $ok = !$m->connect_errno && $m->query('SELECT 1 FROM b_module LIMIT 1') !== false;
        if (!$m->connect_errno) $m->close();
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
        'connections' => ['value' => ['default' => [
            'className' => '\\Bitrix\\Main\\DB\\MysqliConnection', 'host' => $host, 'database' => $db,
            'login' => 'root', 'password' => '', 'options' => 2,
        ]], 'readonly' => true],
        'crypto' => ['value' => ['crypto_key' => $key], 'readonly' => true],
        'exception_handling' => ['value' => ['debug' => true, 'handled_errors_types' => E_ALL & ~E_NOTICE & ~E_DEPRECATED, 'log' => null], 'readonly' => false],
    ];
    conduit_kernel_write_if_changed($settingsFile, "<?php\nreturn " . var_export($settings, true) . ";\n");

    conduit_kernel_write_if_changed("$root/bitrix/php_interface/after_connect_d7.php",
        "<?php\n// as on real sites (the site checker requires sql_mode=''); CONDUIT_KERNEL_SQL_MODE overrides, e.g. STRICT_TRANS_TABLES\n"
        . "\$connection = \\Bitrix\\Main\\Application::getConnection();\n"
        . "\$connection->queryExecute(\"SET sql_mode='\" . \$connection->getSqlHelper()->forSql((string)getenv('CONDUIT_KERNEL_SQL_MODE')) . \"'\");\n");
    foreach (['settings.php', 'group_rights.php', 'index.php', 'partner_modules.php'] as $page) {
        conduit_kernel_write_if_changed("$root/bitrix/admin/$page", "<?php\nrequire_once(\$_SERVER[\"DOCUMENT_ROOT\"].\"/bitrix/modules/main/admin/$page\");\n");
    }
    conduit_kernel_write_if_changed("$root/index.php", "<?php\nrequire \$_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';\necho 'Bitrix test kernel site';\n");

    // database
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $m = new mysqli($host, 'root', '', '', 3306);
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

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    echo conduit_kernel_setup_site(in_array('--force', $argv, true)), "\n";
}
