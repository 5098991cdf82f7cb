<?php
/**
 * The shared conformance checks, made to run on PostgreSQL:
 *
 *   php tests/bitrix-kernel/conformance-pgsql.php CONFORMANCE_FILE OUT_FILE
 *
 * writes OUT_FILE, a copy of CONFORMANCE_FILE with exactly two changes, each applied once
 * (the script fails if the text it changes is not there, so a changed original is noticed):
 *
 * 1. "getType() is mysql" expects the type of the connection the site has: the real kernel's
 *    PgsqlConnection::getType() returns "pgsql" (main 25.550 lib/db/pgsqlconnection.php).
 * 2. The probe entity's optional columns TYPE, BODY and DURATION_MS are declared
 *    'nullable' => true. The real kernel's createTable() makes every column that is not nullable
 *    NOT NULL on both engines; the checks then insert rows without those columns, which MySQL
 *    with sql_mode='' fills with an implicit default and PostgreSQL refuses ("null value in column
 *    violates not-null constraint") — on the real kernel as on this one. PostgreSQL then aborts the
 *    open transaction, so every later check would fail too.
 *
 * Nothing else differs: the other 39 checks run as written.
 */
if ($argc < 3) { fwrite(STDERR, "usage: php conformance-pgsql.php CONFORMANCE_FILE OUT_FILE\n"); exit(2); }
$src = file_get_contents($argv[1]);
if ($src === false) { fwrite(STDERR, "cannot read {$argv[1]}\n"); exit(2); }
$changes = [
    "check('connection: getType() is \"mysql\", forSql escapes a quote'" => "check('connection: getType() is \"pgsql\" (PostgreSQL site), forSql escapes a quote'",
    "return (\$c->getType() === 'mysql' &&" => "return (\$c->getType() === 'pgsql' &&",
    "new Fields\\StringField('TYPE')," => "new Fields\\StringField('TYPE', ['nullable' => true]),",
    "new Fields\\TextField('BODY')," => "new Fields\\TextField('BODY', ['nullable' => true]),",
    "new Fields\\FloatField('DURATION_MS')," => "new Fields\\FloatField('DURATION_MS', ['nullable' => true]),",
];
foreach ($changes as $from => $to) {
    $n = substr_count($src, $from);
    if ($n !== 1) { fwrite(STDERR, "conformance-pgsql: expected the text once, found it $n times: $from\n"); exit(1); }
    $src = str_replace($from, $to, $src);
}
if (file_put_contents($argv[2], $src) === false) { fwrite(STDERR, "cannot write {$argv[2]}\n"); exit(2); }
