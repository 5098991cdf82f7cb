//! The HTTP client's attempt records into a store's request log: the sink an
//! `ApiClient(['log' => $store])` writes to, and the conversion of one record.

use std::sync::Arc;

use conduit_http::redact::mask_userinfo_passwords;
use conduit_http::{AttemptRecord, AttemptSink};
use conduit_store::model::log::{headers_json, ms_since_epoch};
use conduit_store::{LogRow, Store};

/// A row from the client's (already redacted) attempt record, bounded to the columns.
pub fn row_from_attempt(record: AttemptRecord) -> LogRow {
    LogRow {
        created_at: ms_since_epoch(record.started_at),
        method: record.method,
        url: record.url,
        endpoint: record.endpoint,
        status: record.status.map(i64::from),
        duration_ms: record.duration_ms,
        attempt: i64::from(record.attempt),
        correlation_id: record.correlation_id,
        job_id: record.job_id,
        error_class: record.error_class,
        error_message: record.error_message,
        request_headers: headers_json(&record.request_headers),
        request_body: record.request_body,
        response_headers: headers_json(&record.response_headers),
        response_body: record.response_body,
    }
    .bounded()
}

/// The sink to give the HTTP client (`ApiClient(['log' => $store])`): every attempt
/// record goes to this store's request log through this process's writer. The sink
/// resolves the writer per call, so it keeps working in a forked child (which gets
/// its own writer).
pub fn attempt_sink(store: &Store) -> Arc<dyn AttemptSink> {
    Arc::new(StoreSink { store: store.clone() })
}

struct StoreSink {
    store: Store,
}

impl AttemptSink for StoreSink {
    fn record(&self, record: AttemptRecord) {
        match self.store.log_writer() {
            Ok(writer) => {
                writer.submit(row_from_attempt(record));
            }
            Err(e) => tracing::warn!(
                store = %self.store.display_dsn(),
                error = %mask_userinfo_passwords(&e.to_string()),
                "request log: record dropped, the log writer could not start"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn rows_are_bounded_to_the_columns() {
        let record = AttemptRecord {
            started_at: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            method: "POST".into(),
            url: "https://x/".into(),
            endpoint: "é".repeat(2000),
            request_headers: vec![("Accept".into(), "application/json".into())],
            request_body: String::new(),
            status: None,
            response_headers: vec![],
            response_body: String::new(),
            duration_ms: f64::NAN,
            attempt: 2,
            error_class: Some("TransportException".into()),
            error_message: Some("connection reset".into()),
            correlation_id: "c".repeat(100),
            job_id: Some(7),
        };
        let row = row_from_attempt(record);
        assert_eq!(row.created_at, 1_700_000_000_123);
        assert_eq!(row.endpoint.chars().count(), 1024);
        assert_eq!(row.correlation_id.len(), 64);
        assert_eq!(row.duration_ms, 0.0);
        assert_eq!(row.attempt, 2);
        assert_eq!(row.request_headers, r#"[["Accept","application/json"]]"#);
        assert_eq!(row.response_headers, "[]");
    }

    /// conduit-store keeps its own copy of the rule (it has no HTTP crate); both must
    /// mask the same way.
    #[test]
    fn the_store_masks_url_passwords_like_the_client() {
        for text in [
            "cannot connect to mysql://root:s3cret@db:3306/site: refused",
            "postgres://u@h/db and http://a:b@c/ and https://x:y@z?q#f",
            "a://:p@h b://u:@h c://u:p:q@h/x (d://u:p@h) 'e://u:p@h'",
            "no url here",
            "",
        ] {
            assert_eq!(conduit_store::redact::mask_userinfo_passwords(text), mask_userinfo_passwords(text), "{text}");
        }
    }
}
