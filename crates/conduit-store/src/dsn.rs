//! Parsing of the store's DSN: which engine, and where.
//!
//! Accepted forms (anything else is a `Config` error quoting the problem, never the
//! password):
//! - `sqlite:///absolute/path/conduit.db` — the embedded default;
//! - `mysql://user:pass@host:port/database` (also `mariadb://`), port 3306 by default,
//!   user and password percent-encoded, optional `?socket=/run/mysqld/mysqld.sock`
//!   to connect through a Unix socket instead of TCP;
//! - `postgres://user:pass@host:port/database` (also `postgresql://`), port 5432 by
//!   default, with optional parameters `host=/run/postgresql` (a Unix-socket
//!   directory, as libpq reads it; the URL's host may then be empty:
//!   `postgres://user@/db?host=/run/postgresql`), `sslmode=disable|prefer|require|verify-full`
//!   (default `disable`) and `sslrootcert=/path/ca.pem` (for `verify-full`; the
//!   system roots otherwise).
//!
//! The server forms are URLs and are parsed by the `url` crate; `sqlite://` is a file
//! path, not a URL with an authority, and only needs its prefix taken off and its
//! percent-escapes decoded (a URL parser would also resolve `..` segments, which a
//! path must keep).

use std::fmt;
use std::path::PathBuf;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::error::{Error, Result};

/// A parsed DSN. `Display` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub enum Dsn {
    /// An SQLite database file (created on first use).
    Sqlite { path: PathBuf },
    /// A MariaDB 10.6+ / MySQL 8+ server.
    MariaDb(MariaDbDsn),
    /// A PostgreSQL 12+ server.
    Postgres(PostgresDsn),
}

/// Where a MariaDB/MySQL database lives.
#[derive(Clone, PartialEq, Eq)]
pub struct MariaDbDsn {
    pub user: String,
    pub password: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    /// Unix socket path; when set, `host` and `port` are not used to connect.
    pub socket: Option<String>,
}

/// How a PostgreSQL connection uses TLS (`sslmode`, libpq's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PgSslMode {
    /// Plain TCP (the default: the loopback and socket set-ups this is meant for).
    #[default]
    Disable,
    /// TLS when the server offers it, without verifying its certificate.
    Prefer,
    /// TLS always, without verifying the certificate (libpq's `require`: protects
    /// against eavesdropping, not against an active man in the middle).
    Require,
    /// TLS always; the certificate must chain to a trusted root and name the host.
    VerifyFull,
}

impl PgSslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PgSslMode::Disable => "disable",
            PgSslMode::Prefer => "prefer",
            PgSslMode::Require => "require",
            PgSslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where a PostgreSQL database lives.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresDsn {
    pub user: String,
    pub password: String,
    /// Host name or IP address (`host` of the URL); the TLS server name too.
    pub host: String,
    pub port: u16,
    pub database: String,
    /// Unix-socket directory (`?host=/run/postgresql`); when set, TCP is not used.
    pub socket_dir: Option<String>,
    pub ssl_mode: PgSslMode,
    /// PEM file of the roots to trust for `verify-full` instead of the system's.
    pub ssl_root_cert: Option<String>,
}

const EXPECTED: &str =
    "expected \"sqlite:///absolute/path.db\", \"mysql://user:pass@host:3306/db\" or \"postgres://user:pass@host:5432/db\"";

impl Dsn {
    /// Parses a DSN.
    ///
    /// # Errors
    /// A `Config` error naming what is wrong (scheme, relative path, missing
    /// database name, bad port, unknown parameter). The password is never quoted.
    pub fn parse(dsn: &str) -> Result<Self> {
        let dsn = dsn.trim();
        if let Some(rest) = dsn.strip_prefix("sqlite://") {
            return parse_sqlite(rest);
        }
        let scheme = dsn.split("://").next().filter(|_| dsn.contains("://")).unwrap_or("");
        match scheme {
            "mysql" | "mariadb" => parse_mariadb(dsn).map(Dsn::MariaDb),
            "postgres" | "postgresql" => parse_postgres(dsn).map(Dsn::Postgres),
            "" => Err(Error::config(format!("invalid DSN: {EXPECTED}"))),
            other => Err(Error::config(format!("unsupported DSN scheme \"{other}\": {EXPECTED}"))),
        }
    }

    /// `"sqlite"`, `"mysql"` or `"pgsql"` (PDO's driver names), as PHP's
    /// `Store::driver()` reports it.
    pub fn driver(&self) -> &'static str {
        match self {
            Dsn::Sqlite { .. } => "sqlite",
            Dsn::MariaDb(_) => "mysql",
            Dsn::Postgres(_) => "pgsql",
        }
    }
}

fn parse_sqlite(rest: &str) -> Result<Dsn> {
    if rest.is_empty() || !rest.starts_with('/') {
        return Err(Error::config(format!(
            "invalid SQLite DSN \"sqlite://{rest}\": the path must be absolute, e.g. \"sqlite:///var/lib/conduit/conduit.db\""
        )));
    }
    if rest.contains('?') {
        return Err(Error::config(format!(
            "invalid SQLite DSN \"sqlite://{rest}\": parameters are not supported in the DSN; pass them in the options array"
        )));
    }
    if rest.ends_with('/') {
        return Err(Error::config(format!("invalid SQLite DSN \"sqlite://{rest}\": the path names a directory, not a file")));
    }
    let path = percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| Error::config(format!("invalid SQLite DSN \"sqlite://{rest}\": the path is not valid UTF-8")))?;
    Ok(Dsn::Sqlite { path: PathBuf::from(path.into_owned()) })
}

/// What the URL forms share: user, password, host, port and database, decoded.
struct ServerUrl {
    user: String,
    password: String,
    /// Empty only where the engine allows it (a PostgreSQL socket directory).
    host: String,
    port: u16,
    database: String,
    /// Decoded `?name=value` pairs, in order.
    params: Vec<(String, String)>,
}

/// The engine-specific words of the shared URL checks.
struct UrlForm {
    /// "MySQL" or "PostgreSQL", for messages.
    engine: &'static str,
    /// The shape to show in messages.
    example: &'static str,
    default_port: u16,
    /// Whether an empty host is accepted (the socket is then named by a parameter).
    empty_host_ok: bool,
}

fn decode(part: &str, what: &str, form: &UrlForm) -> Result<String> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::config(format!("invalid {} DSN: the {what} is not valid percent-encoded UTF-8", form.engine)))
}

/// The port text of a DSN the URL parser refused, to quote it (never the password:
/// the port follows the last `@`).
fn port_text(dsn: &str) -> &str {
    let after_scheme = dsn.split_once("://").map_or(dsn, |(_, r)| r);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let port = match hostport.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':').unwrap_or(""),
        None => hostport.rsplit_once(':').map_or("", |(_, p)| p),
    };
    port
}

fn parse_server_url(dsn: &str, form: &UrlForm) -> Result<ServerUrl> {
    let bad = |why: &str| Error::config(format!("invalid {} DSN: {why}, expected \"{}\"", form.engine, form.example));
    let mut empty_host = false;
    let url = match Url::parse(dsn) {
        Ok(url) => url,
        Err(url::ParseError::EmptyHost) if form.empty_host_ok => {
            // `scheme://user@/db`: the host is a socket directory given as a parameter.
            // Parse with a placeholder host; `host` stays empty.
            empty_host = true;
            let (scheme, rest) = dsn.split_once("://").unwrap_or((dsn, ""));
            let (userinfo, location) = match rest.rsplit_once('@') {
                Some((u, l)) => (format!("{u}@"), l),
                None => (String::new(), rest),
            };
            Url::parse(&format!("{scheme}://{userinfo}localhost{location}")).map_err(|e| bad(&e.to_string()))?
        }
        Err(url::ParseError::EmptyHost) => return Err(bad("host missing")),
        Err(url::ParseError::InvalidPort) => {
            return Err(bad(&format!("port \"{}\" is not a number from 1 to 65535", port_text(dsn))))
        }
        Err(e) => return Err(bad(&e.to_string())),
    };
    let user = decode(url.username(), "user name", form)?;
    if user.is_empty() {
        return Err(bad("user name missing"));
    }
    let password = decode(url.password().unwrap_or(""), "password", form)?;
    let host = if empty_host {
        String::new()
    } else {
        match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Domain(d)) if !d.is_empty() => decode(d, "host", form)?,
            _ => return Err(bad("host missing")),
        }
    };
    let shown = format!("{}://{user}{}@{host}", url.scheme(), if password.is_empty() { "" } else { ":***" });
    let port = match url.port() {
        None => form.default_port,
        Some(0) => return Err(bad("port \"0\" is not a number from 1 to 65535")),
        Some(p) => p,
    };
    let path = url.path();
    let database = path.strip_prefix('/').unwrap_or(path);
    if database.is_empty() {
        return Err(Error::config(format!(
            "invalid {} DSN \"{shown}:{port}\": database name missing, expected \"…@host:{}/db\"",
            form.engine, form.default_port
        )));
    }
    let database = decode(database, "database name", form)?;
    if database.contains('/') {
        return Err(Error::config(format!(
            "invalid {} DSN \"{shown}:{port}/…\": expected exactly one database name after the host",
            form.engine
        )));
    }
    let params = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    Ok(ServerUrl { user, password, host, port, database, params })
}

fn parse_mariadb(dsn: &str) -> Result<MariaDbDsn> {
    let form = UrlForm { engine: "MySQL", example: "mysql://user:pass@host:3306/db", default_port: 3306, empty_host_ok: false };
    let u = parse_server_url(dsn, &form)?;
    let mut socket = None;
    for (name, value) in u.params {
        match name.as_str() {
            "socket" if !value.is_empty() => socket = Some(value),
            _ => {
                return Err(Error::config(format!(
                    "invalid MySQL DSN: unknown parameter \"{name}\"; the only DSN parameter is \"socket\", other settings go in the options array"
                )))
            }
        }
    }
    Ok(MariaDbDsn { user: u.user, password: u.password, host: u.host, port: u.port, database: u.database, socket })
}

fn parse_postgres(dsn: &str) -> Result<PostgresDsn> {
    let form =
        UrlForm { engine: "PostgreSQL", example: "postgres://user:pass@host:5432/db", default_port: 5432, empty_host_ok: true };
    let u = parse_server_url(dsn, &form)?;
    let mut socket_dir = None;
    let mut ssl_mode = PgSslMode::default();
    let mut ssl_root_cert = None;
    for (name, value) in u.params {
        match name.as_str() {
            "host" if value.starts_with('/') => socket_dir = Some(value),
            "host" => {
                return Err(Error::config(format!(
                    "invalid PostgreSQL DSN: parameter \"host\" must be an absolute Unix-socket directory such as \"/run/postgresql\", got \"{value}\""
                )))
            }
            "sslmode" => {
                ssl_mode = match value.as_str() {
                    "disable" => PgSslMode::Disable,
                    "prefer" => PgSslMode::Prefer,
                    "require" => PgSslMode::Require,
                    "verify-full" => PgSslMode::VerifyFull,
                    _ => {
                        return Err(Error::config(format!(
                            "invalid PostgreSQL DSN: sslmode must be \"disable\", \"prefer\", \"require\" or \"verify-full\", got \"{value}\""
                        )))
                    }
                }
            }
            "sslrootcert" if value.starts_with('/') => ssl_root_cert = Some(value),
            "sslrootcert" => {
                return Err(Error::config(format!(
                    "invalid PostgreSQL DSN: parameter \"sslrootcert\" must be an absolute path to a PEM file, got \"{value}\""
                )))
            }
            _ => {
                return Err(Error::config(format!(
                    "invalid PostgreSQL DSN: unknown parameter \"{name}\"; DSN parameters are \"host\" (socket directory), \"sslmode\" and \"sslrootcert\", other settings go in the options array"
                )))
            }
        }
    }
    if u.host.is_empty() && socket_dir.is_none() {
        return Err(Error::config(
            "invalid PostgreSQL DSN: host missing, expected \"postgres://user:pass@host:5432/db\" or \"postgres://user@/db?host=/run/postgresql\"",
        ));
    }
    if ssl_root_cert.is_some() && ssl_mode != PgSslMode::VerifyFull {
        return Err(Error::config("invalid PostgreSQL DSN: \"sslrootcert\" only applies with sslmode=verify-full"));
    }
    if socket_dir.is_some() && ssl_mode != PgSslMode::Disable && ssl_mode != PgSslMode::Prefer {
        return Err(Error::config(
            "invalid PostgreSQL DSN: TLS over a Unix socket is not supported; use sslmode=disable with \"host=/…\"",
        ));
    }
    Ok(PostgresDsn {
        user: u.user,
        password: u.password,
        host: u.host,
        port: u.port,
        database: u.database,
        socket_dir,
        ssl_mode,
        ssl_root_cert,
    })
}

impl fmt::Display for Dsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dsn::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
            Dsn::MariaDb(m) => fmt::Display::fmt(m, f),
            Dsn::Postgres(p) => fmt::Display::fmt(p, f),
        }
    }
}

impl fmt::Display for MariaDbDsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let password = if self.password.is_empty() { "" } else { ":***" };
        write!(f, "mysql://{}{}@{}:{}/{}", self.user, password, self.host, self.port, self.database)?;
        if let Some(socket) = &self.socket {
            write!(f, "?socket={socket}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PostgresDsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let password = if self.password.is_empty() { "" } else { ":***" };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        write!(f, "postgres://{}{}@{}:{}/{}", self.user, password, host, self.port, self.database)?;
        let mut sep = '?';
        if let Some(dir) = &self.socket_dir {
            write!(f, "{sep}host={dir}")?;
            sep = '&';
        }
        if self.ssl_mode != PgSslMode::Disable {
            write!(f, "{sep}sslmode={}", self.ssl_mode.as_str())?;
            sep = '&';
        }
        if let Some(cert) = &self.ssl_root_cert {
            write!(f, "{sep}sslrootcert={cert}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Dsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for MariaDbDsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for PostgresDsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_accepted_forms() {
        // dsn, expected display
        let cases = [
            ("sqlite:///var/lib/conduit.db", "sqlite:///var/lib/conduit.db"),
            ("mysql://root@127.0.0.1/app", "mysql://root@127.0.0.1:3306/app"),
            ("mysql://u:p%40ss@db.local:3307/bitrix", "mysql://u:***@db.local:3307/bitrix"),
            ("mariadb://u:x@[::1]:3306/d", "mysql://u:***@::1:3306/d"),
            ("mysql://u@localhost/d?socket=/run/mysqld/mysqld.sock", "mysql://u@localhost:3306/d?socket=/run/mysqld/mysqld.sock"),
            ("postgres://root@127.0.0.1/app", "postgres://root@127.0.0.1:5432/app"),
            ("postgresql://u:p%40ss@db.local:5433/bitrix", "postgres://u:***@db.local:5433/bitrix"),
            ("postgres://u:x@[::1]/d", "postgres://u:***@[::1]:5432/d"),
            ("postgres://u@/d?host=/run/postgresql", "postgres://u@:5432/d?host=/run/postgresql"),
            ("postgres://u@localhost/d?host=%2Fvar%2Frun%2Fpostgresql", "postgres://u@localhost:5432/d?host=/var/run/postgresql"),
            ("postgres://u:p@db/d?sslmode=require", "postgres://u:***@db:5432/d?sslmode=require"),
            (
                "postgres://u:p@db/d?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem",
                "postgres://u:***@db:5432/d?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem",
            ),
        ];
        for (dsn, shown) in cases {
            let parsed = Dsn::parse(dsn).unwrap_or_else(|e| panic!("{dsn}: {e}"));
            assert_eq!(parsed.to_string(), shown);
        }
        match Dsn::parse("mysql://u:p%40ss@h/d").unwrap() {
            Dsn::MariaDb(m) => assert_eq!(m.password, "p@ss"),
            other => panic!("{other}"),
        }
        match Dsn::parse("postgresql://us%3Aer:p%40ss%2F@h/my%20db").unwrap() {
            Dsn::Postgres(p) => {
                assert_eq!((p.user.as_str(), p.password.as_str(), p.database.as_str()), ("us:er", "p@ss/", "my db"));
                assert_eq!(p.ssl_mode, PgSslMode::Disable);
                assert_eq!(p.socket_dir, None);
            }
            other => panic!("{other}"),
        }
        assert_eq!(Dsn::parse("postgres://u@h/d").unwrap().driver(), "pgsql");
    }

    #[test]
    fn ssl_modes_parse_by_libpq_name() {
        for (mode, expected) in [
            ("disable", PgSslMode::Disable),
            ("prefer", PgSslMode::Prefer),
            ("require", PgSslMode::Require),
            ("verify-full", PgSslMode::VerifyFull),
        ] {
            match Dsn::parse(&format!("postgres://u:secret@h/d?sslmode={mode}")).unwrap() {
                Dsn::Postgres(p) => assert_eq!(p.ssl_mode, expected, "{mode}"),
                other => panic!("{other}"),
            }
        }
    }

    #[test]
    fn rejects_bad_forms_without_leaking_the_password() {
        // dsn, fragment of the message
        let cases = [
            ("redis://x", "unsupported DSN scheme \"redis\""),
            ("conduit.db", "invalid DSN"),
            ("sqlite://relative.db", "must be absolute"),
            ("sqlite:///tmp/", "directory"),
            ("mysql://host/db", "user name missing"),
            ("mysql://u:secret@host", "database name missing"),
            ("mysql://u:secret@host:99999/db", "port \"99999\""),
            ("mysql://u:secret@host/db?ssl=1", "unknown parameter \"ssl\""),
            ("mysql://u:secret@/db", "host missing"),
            ("mysql://u:secret@h/a/b", "exactly one database name"),
            ("postgres://host/db", "user name missing"),
            ("postgres://u:secret@host", "database name missing"),
            ("postgres://u:secret@host:70000/db", "port \"70000\""),
            ("postgres://u:secret@host:0/db", "port \"0\""),
            ("postgres://u:secret@/db", "host missing"),
            ("postgres://u:secret@h/db?sslmode=verify-ca", "sslmode must be"),
            ("postgres://u:secret@h/db?sslmode=REQUIRE", "sslmode must be"),
            ("postgres://u:secret@h/db?host=relative", "absolute Unix-socket directory"),
            ("postgres://u:secret@h/db?sslrootcert=/ca.pem", "only applies with sslmode=verify-full"),
            ("postgres://u:secret@h/db?sslmode=require&host=/run/postgresql", "TLS over a Unix socket"),
            ("postgres://u:secret@h/db?application_name=x", "unknown parameter \"application_name\""),
        ];
        for (dsn, fragment) in cases {
            let err = Dsn::parse(dsn).expect_err(dsn);
            assert!(err.is_config());
            assert!(err.message().contains(fragment), "{dsn}: {err}");
            assert!(!err.message().contains("secret"), "{dsn}: {err}");
        }
    }
}
