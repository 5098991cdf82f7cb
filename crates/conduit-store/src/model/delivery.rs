//! HTTP delivery jobs as the queue stores them: what `SyncQueue::pushRequest()`
//! pushes and what the delivery runner (crate conduit-delivery) reads back.
//!
//! The payload of a job of type [`DELIVERY_JOB_TYPE`] is a [`DeliverySpec`] as JSON.
//! Plain data here: validating a spec with the HTTP client's request parser and
//! turning it into a request are conduit-delivery's, so this crate needs no HTTP.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// The job type of HTTP deliveries.
pub const DELIVERY_JOB_TYPE: &str = "conduit.http";

/// Request keys `pushRequest()` accepts (the rest of its options are push options).
pub const DELIVERY_REQUEST_KEYS: &[&str] = &["query", "headers", "json", "form", "body", "timeout", "idempotency_key"];

/// One HTTP request to deliver, stored as the job payload.
///
/// JSON shape (fields with no value are omitted):
/// ```json
/// {"method": "POST", "path": "/orders", "query": [["page", "2"]],
///  "headers": [["X-Source", "bitrix"]], "json": {"id": 42},
///  "idempotency_key": "order-42", "timeout_s": 10.0}
/// ```
/// At most one of `json`, `form`, `body`, `body_base64` is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySpec {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path relative to the client's base URL (`/orders/42`), or an absolute URL.
    pub path: String,
    /// Query parameters in order, already flattened to strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Extra request headers in order. Don't put credentials here: they would be
    /// stored in the job table; configure them on the client instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A form body (`application/x-www-form-urlencoded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Vec<(String, String)>>,
    /// A raw body that is valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A raw binary body, base64 (standard alphabet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Sent as `Idempotency-Key` on every attempt and redelivery; generated (UUID v4)
    /// when the caller gave none.
    pub idempotency_key: String,
    /// Overrides the client's total timeout for this request, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<f64>,
}

impl DeliverySpec {
    /// Reads a spec back from a job payload.
    ///
    /// # Errors
    /// `Corrupt` when the payload is not a delivery spec.
    pub fn from_payload(payload: &str) -> Result<Self> {
        serde_json::from_str(payload).map_err(|e| Error::corrupt(format!("not an HTTP delivery payload: {e}")))
    }

    /// The payload JSON.
    pub fn to_payload(&self) -> String {
        // Serialising plain strings, pairs and a serde_json::Value cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}
