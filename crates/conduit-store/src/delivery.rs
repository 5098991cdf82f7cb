//! HTTP delivery jobs: what `SyncQueue::pushRequest()` stores, and what the delivery
//! runner sends.
//!
//! The payload of a job of type [`DELIVERY_JOB_TYPE`] is a [`DeliverySpec`] as JSON.
//! It is validated at push time with the HTTP client's own request parser, so a job
//! that is accepted can always be sent, and the idempotency key is fixed at push time
//! so every attempt and every redelivery carries the same one.

use std::time::Duration;

use base64::Engine as _;
use conduit_http::{Body, RequestSpec};
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
    /// Builds a spec from `pushRequest()` arguments: `options` holds only request keys;
    /// `raw_body` is the `body` option's bytes when PHP passed a binary string.
    ///
    /// # Errors
    /// `Config` with the client's message for a bad method, header or option.
    pub fn from_options(method: &str, path: &str, options: &Value, raw_body: Option<Vec<u8>>) -> Result<Self> {
        if path.trim().is_empty() {
            return Err(Error::config("SyncQueue::pushRequest(): the path must not be empty"));
        }
        let request = RequestSpec::from_options(method, path, options, raw_body)
            .map_err(|e| Error::config(format!("SyncQueue::pushRequest(): {}", e.message())))?;
        let mut spec = Self {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            json: None,
            form: None,
            body: None,
            body_base64: None,
            idempotency_key: request.idempotency_key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            timeout_s: request.timeout.map(|t| t.as_secs_f64()),
        };
        match request.body {
            Body::Empty => {}
            Body::Json(v) => spec.json = Some(v),
            Body::Form(pairs) => spec.form = Some(pairs),
            Body::Raw(bytes) => match String::from_utf8(bytes) {
                Ok(text) => spec.body = Some(text),
                Err(e) => spec.body_base64 = Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
            },
        }
        Ok(spec)
    }

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

    /// The request the client sends for job `job_id`.
    ///
    /// # Errors
    /// `Corrupt` when `body_base64` is not base64.
    pub fn to_request(&self, job_id: i64) -> Result<RequestSpec> {
        let mut request = RequestSpec::new(&self.method, &self.path);
        request.query = self.query.clone();
        request.headers = self.headers.clone();
        request.body = if let Some(json) = &self.json {
            Body::Json(json.clone())
        } else if let Some(form) = &self.form {
            Body::Form(form.clone())
        } else if let Some(text) = &self.body {
            Body::Raw(text.as_bytes().to_vec())
        } else if let Some(b64) = &self.body_base64 {
            Body::Raw(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| Error::corrupt(format!("job {job_id}: body_base64 is not base64: {e}")))?,
            )
        } else {
            Body::Empty
        };
        request.timeout = self.timeout_s.filter(|s| s.is_finite() && *s >= 0.0).map(|s| Duration::from_secs_f64(s.min(1e9)));
        request.idempotency_key = Some(self.idempotency_key.clone());
        request.job_id = Some(job_id);
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generates_a_key_and_round_trips() {
        let spec = DeliverySpec::from_options("post", "/orders", &json!({"json": {"id": 42}, "query": {"page": 2}}), None).unwrap();
        assert_eq!(spec.method, "POST");
        assert_eq!(spec.idempotency_key.len(), 36);
        let back = DeliverySpec::from_payload(&spec.to_payload()).unwrap();
        assert_eq!(back, spec);
        let request = back.to_request(7).unwrap();
        assert_eq!(request.idempotency_key.as_deref(), Some(spec.idempotency_key.as_str()));
        assert_eq!(request.job_id, Some(7));
        assert_eq!(request.body, Body::Json(json!({"id": 42})));
    }

    #[test]
    fn keeps_the_callers_key_and_binary_bodies() {
        let spec = DeliverySpec::from_options("PUT", "/blob", &json!({"idempotency_key": "k-1"}), Some(vec![0xff, 0x00])).unwrap();
        assert_eq!(spec.idempotency_key, "k-1");
        assert_eq!(spec.body_base64.as_deref(), Some("/wA="));
        assert_eq!(spec.to_request(1).unwrap().body, Body::Raw(vec![0xff, 0x00]));
    }

    #[test]
    fn rejects_what_the_client_would_reject() {
        let err = DeliverySpec::from_options("GE T", "/x", &json!({}), None).unwrap_err();
        assert!(err.is_config(), "{err}");
        let err = DeliverySpec::from_options("GET", "/x", &json!({"json": 1, "body": "x"}), None).unwrap_err();
        assert!(err.message().contains("exclusive"), "{err}");
    }
}
