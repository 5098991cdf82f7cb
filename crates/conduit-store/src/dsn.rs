//! Parsing of the store's DSN: which engine, and where.
//!
//! Accepted forms (anything else is a `Config` error quoting the problem, never the
//! password):
//! - `sqlite:///absolute/path/conduit.db` — the embedded default;
//! - `mysql://user:pass@host:port/database` (also `mariadb://`), port 3306 by default,
//!   user and password percent-encoded, optional `?socket=/run/mysqld/mysqld.sock`
//!   to connect through a Unix socket instead of TCP.

use std::fmt;
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};

/// A parsed DSN. `Display` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub enum Dsn {
    /// An SQLite database file (created on first use).
    Sqlite { path: PathBuf },
    /// A MariaDB 10.6+ / MySQL 8+ server.
    MariaDb(MariaDbDsn),
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
        for scheme in ["mysql://", "mariadb://"] {
            if let Some(rest) = dsn.strip_prefix(scheme) {
                return parse_mariadb(rest).map(Dsn::MariaDb);
            }
        }
        let scheme = dsn.split("://").next().filter(|_| dsn.contains("://")).unwrap_or("");
        Err(Error::config(if scheme.is_empty() {
            "invalid DSN: expected \"sqlite:///absolute/path.db\" or \"mysql://user:pass@host:3306/db\"".to_string()
        } else {
            format!(
                "unsupported DSN scheme \"{scheme}\": expected \"sqlite:///absolute/path.db\" or \"mysql://user:pass@host:3306/db\""
            )
        }))
    }

    /// `"sqlite"` or `"mysql"`, as PHP's `Store::driver()` reports it.
    pub fn driver(&self) -> &'static str {
        match self {
            Dsn::Sqlite { .. } => "sqlite",
            Dsn::MariaDb(_) => "mysql",
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

fn decode(part: &str, what: &str) -> Result<String> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::config(format!("invalid MySQL DSN: the {what} is not valid percent-encoded UTF-8")))
}

fn parse_mariadb(rest: &str) -> Result<MariaDbDsn> {
    // The password may contain '@' only percent-encoded; the last '@' splits credentials.
    let (credentials, location) = match rest.rfind('@') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => {
            return Err(Error::config(
                "invalid MySQL DSN: user name missing, expected \"mysql://user:pass@host:3306/db\"",
            ))
        }
    };
    let (user, password) = match credentials.split_once(':') {
        Some((u, p)) => (decode(u, "user name")?, decode(p, "password")?),
        None => (decode(credentials, "user name")?, String::new()),
    };
    if user.is_empty() {
        return Err(Error::config("invalid MySQL DSN: user name missing, expected \"mysql://user:pass@host:3306/db\""));
    }
    let (location, query) = match location.split_once('?') {
        Some((l, q)) => (l, Some(q)),
        None => (location, None),
    };
    let (authority, database) = location.split_once('/').ok_or_else(|| {
        Error::config(format!(
            "invalid MySQL DSN \"mysql://{user}:***@{location}\": database name missing, expected \"…@host:3306/db\""
        ))
    })?;
    let database = decode(database, "database name")?;
    if database.is_empty() || database.contains('/') {
        return Err(Error::config(format!(
            "invalid MySQL DSN \"mysql://{user}:***@{location}\": expected exactly one database name after the host"
        )));
    }
    let (host, port) = split_host_port(authority).map_err(|why| {
        Error::config(format!("invalid MySQL DSN \"mysql://{user}:***@{location}\": {why}"))
    })?;
    let mut socket = None;
    if let Some(query) = query {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("socket", path)) if !path.is_empty() => socket = Some(decode(path, "socket path")?),
                _ => {
                    let name = pair.split('=').next().unwrap_or(pair);
                    return Err(Error::config(format!(
                        "invalid MySQL DSN: unknown parameter \"{name}\"; the only DSN parameter is \"socket\", other settings go in the options array"
                    )));
                }
            }
        }
    }
    Ok(MariaDbDsn { user, password, host, port, database, socket })
}

fn split_host_port(authority: &str) -> std::result::Result<(String, u16), String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or("unterminated IPv6 address")?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("host missing".into());
    }
    let port = match port {
        None => 3306,
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| format!("port \"{p}\" is not a number from 1 to 65535"))?,
    };
    Ok((host.to_string(), port))
}

impl fmt::Display for Dsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dsn::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
            Dsn::MariaDb(m) => fmt::Display::fmt(m, f),
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
        ];
        for (dsn, shown) in cases {
            let parsed = Dsn::parse(dsn).unwrap_or_else(|e| panic!("{dsn}: {e}"));
            assert_eq!(parsed.to_string(), shown);
        }
        match Dsn::parse("mysql://u:p%40ss@h/d").unwrap() {
            Dsn::MariaDb(m) => assert_eq!(m.password, "p@ss"),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn rejects_bad_forms_without_leaking_the_password() {
        // dsn, fragment of the message
        let cases = [
            ("postgres://x", "unsupported DSN scheme \"postgres\""),
            ("conduit.db", "invalid DSN"),
            ("sqlite://relative.db", "must be absolute"),
            ("sqlite:///tmp/", "directory"),
            ("mysql://host/db", "user name missing"),
            ("mysql://u:secret@host", "database name missing"),
            ("mysql://u:secret@host:99999/db", "port \"99999\""),
            ("mysql://u:secret@host/db?ssl=1", "unknown parameter \"ssl\""),
            ("mysql://u:secret@/db", "host missing"),
        ];
        for (dsn, fragment) in cases {
            let err = Dsn::parse(dsn).expect_err(dsn);
            assert!(err.is_config());
            assert!(err.message().contains(fragment), "{dsn}: {err}");
            assert!(!err.message().contains("secret"), "{dsn}: {err}");
        }
    }
}
