//! `Conduit\Store`: argument conversion and error mapping over `conduit_store::Store`.
//! Also the helpers the queue and request-log bindings share (arrays ↔ JSON,
//! store errors → exceptions).

use std::sync::Arc;

use conduit_http::AttemptSink;
use ext_php_rs::prelude::*;
use ext_php_rs::convert::FromZval;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::Value;

use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::php_options::Bytes;

/// Maps a storage error: bad arguments → `ConfigException`, everything else
/// (database down, job gone, lease lost) → `QueueException` with the reason.
pub fn store_error(e: conduit_store::Error) -> PhpException {
    if e.is_config() {
        config_error(e.message())
    } else {
        ConduitThrow::new(ExceptionClass::Queue, e.message()).into()
    }
}

/// An options/filter array as a JSON object (keys must be UTF-8). `skip` keys are left out.
/// A string argument as UTF-8 text: PHP strings may hold any bytes, and a
/// ConfigException naming the argument is the answer to one that is not text
/// (ext-php-rs' `String` arguments would throw a TypeError instead). The value is
/// never shown: it may be a DSN.
pub fn utf8_arg<'a>(what: &str, bytes: Bytes<'a>) -> PhpResult<&'a str> {
    std::str::from_utf8(bytes.0).map_err(|e| {
        config_error(format!(
            "{what} must be UTF-8 text: byte {} of {} is not (the value is not shown)",
            e.valid_up_to() + 1,
            bytes.0.len()
        ))
    })
}

pub fn array_to_options(options: Option<&ZendHashTable>, skip: &[&str]) -> PhpResult<Option<Value>> {
    match options {
        None => Ok(None),
        Some(_) => crate::convert::options_to_json(options, skip).map(Some),
    }
}

/// A PHP array (list or map) as JSON, for payloads.
pub fn array_to_json(ht: &ZendHashTable, path: &str) -> PhpResult<Value> {
    crate::convert::hashtable_to_json(ht, path).map_err(|m| config_error(format!("Value {m}.")))
}

/// Milliseconds since the epoch → PHP float seconds (like `microtime(true)`).
pub fn ms_to_secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

#[php_class]
#[php(name = "Conduit\\Store")]
pub struct PhpStore {
    pub(crate) store: conduit_store::Store,
}

impl Drop for PhpStore {
    /// Request end frees every PHP object: write this process's queued request-log
    /// records before the request is over — waiting at most `REQUEST_END_LOG_WAIT`
    /// (with the database down they go to the local spool at once).
    fn drop(&mut self) {
        if self.store.writer_stats().pending > 0 {
            if let Err(e) = self.store.log_writer().and_then(|w| w.flush_quick(crate::REQUEST_END_LOG_WAIT)) {
                tracing::warn!(
                    store = %self.store.display_dsn(),
                    error = %conduit_http::redact::mask_userinfo_passwords(&e.to_string()),
                    "request log not flushed at request end"
                );
            }
        }
    }
}

/// The request-log sink of `value` when it is a `Conduit\Store` (the ApiClient
/// `log` option); `None` for anything else.
pub fn attempt_sink_of(value: &Zval) -> Option<Arc<dyn AttemptSink>> {
    <&PhpStore as FromZval>::from_zval(value).map(|php| conduit_delivery::attempt_sink(&php.store))
}

/// `Some(backend)` when `value` is a `Conduit\Store`: the shared state of an
/// ApiClient's `rate_limit`/`circuit_breaker` with scope `"store"`.
pub fn shared_limits_of(value: &Zval) -> Option<Arc<dyn conduit_http::shared::SharedLimitBackend>> {
    <&PhpStore as FromZval>::from_zval(value).map(|php| conduit_delivery::shared_limits(&php.store))
}

#[php_impl]
impl PhpStore {
    /// The schema version `migrate()` brings a database to.
    pub const SCHEMA_VERSION: i64 = 5;

    /// `sqlite:///abs/path.db` or `mysql://user:pass@host:3306/db`. Connects on first use.
    /// @throws ConfigException for a bad DSN or option.
    pub fn __construct(dsn: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<Self> {
        let dsn = utf8_arg("Store::__construct(): $dsn", dsn)?;
        let options = array_to_options(options, &[])?;
        let options = conduit_store::StoreOptions::from_value(options.as_ref()).map_err(store_error)?;
        let store = conduit_store::Store::open(dsn, options).map_err(store_error)?;
        Ok(Self { store })
    }

    /// Applies pending schema migrations (idempotent); returns the schema version.
    /// @throws QueueException when the database is unreachable or refuses a statement.
    pub fn migrate(&self) -> PhpResult<i64> {
        self.store.migrate().map(i64::from).map_err(store_error)
    }

    /// The applied schema version, 0 before the first migrate().
    pub fn schema_version(&self) -> PhpResult<i64> {
        self.store.schema_version().map(i64::from).map_err(store_error)
    }

    /// "sqlite", "mysql" or "pgsql".
    pub fn get_driver(&self) -> &'static str {
        self.store.driver()
    }

    /// The DSN with the password masked.
    pub fn get_dsn(&self) -> String {
        self.store.display_dsn()
    }

    pub fn get_table_prefix(&self) -> String {
        self.store.options().table_prefix.clone()
    }

    /// One round trip to the database.
    /// @throws QueueException with the driver's reason.
    pub fn ping(&self) -> PhpResult<()> {
        self.store.ping().map_err(store_error)
    }
}
