#!/usr/bin/env bash
# Makes sure the local MariaDB (127.0.0.1:3306, root without password) answers;
# starts it when it is not running. Never a silent skip: exits non-zero if it can't.
set -euo pipefail
ping() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }
ping && exit 0
if [ ! -d /var/lib/mysql/mysql ]; then
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
fi
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
for _ in $(seq 1 60); do ping && break; sleep 0.5; done
ping || { echo "ensure-mariadb: MariaDB did not come up on 127.0.0.1:3306" >&2; exit 1; }
# Root over TCP without a password, as the tests expect (fresh installs use unix_socket auth).
mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); CREATE DATABASE IF NOT EXISTS test;" 2>/dev/null || true
ping
