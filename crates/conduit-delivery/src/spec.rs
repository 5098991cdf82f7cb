//! HTTP delivery jobs between the client and the queue.
//!
//! The store keeps the job payload ([`DeliverySpec`], plain data); this module owns
//! what needs the HTTP client: a spec is validated at push time with the client's own
//! request parser, so a job that is accepted can always be sent, and the idempotency
//! key is fixed at push time so every attempt and every redelivery carries the same one.

use std::time::Duration;

use base64::Engine as _;
use conduit_http::{Body, RequestSpec};
use conduit_store::{DeliverySpec, Error, Pushed, Queue, Result};
use serde_json::Value;

/// Builds a spec from `pushRequest()` arguments: `options` holds only request keys;
/// `raw_body` is the `body` option's bytes when PHP passed a binary string.
///
/// # Errors
/// `Config` with the client's message for a bad method, header or option.
pub fn spec_from_options(method: &str, path: &str, options: &Value, raw_body: Option<Vec<u8>>) -> Result<DeliverySpec> {
    if path.trim().is_empty() {
        return Err(Error::config("SyncQueue::pushRequest(): the path must not be empty"));
    }
    let request = RequestSpec::from_options(method, path, options, raw_body)
        .map_err(|e| Error::config(format!("SyncQueue::pushRequest(): {}", e.message())))?;
    let mut spec = DeliverySpec {
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

/// The request the client sends for job `job_id`.
///
/// # Errors
/// `Corrupt` when `body_base64` is not base64.
pub fn to_request(spec: &DeliverySpec, job_id: i64) -> Result<RequestSpec> {
    let mut request = RequestSpec::new(&spec.method, &spec.path);
    request.query = spec.query.clone();
    request.headers = spec.headers.clone();
    request.body = if let Some(json) = &spec.json {
        Body::Json(json.clone())
    } else if let Some(form) = &spec.form {
        Body::Form(form.clone())
    } else if let Some(text) = &spec.body {
        Body::Raw(text.as_bytes().to_vec())
    } else if let Some(b64) = &spec.body_base64 {
        Body::Raw(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| Error::corrupt(format!("job {job_id}: body_base64 is not base64: {e}")))?,
        )
    } else {
        Body::Empty
    };
    request.timeout = spec.timeout_s.filter(|s| s.is_finite() && *s >= 0.0).map(|s| Duration::from_secs_f64(s.min(1e9)));
    request.idempotency_key = Some(spec.idempotency_key.clone());
    request.job_id = Some(job_id);
    Ok(request)
}

/// `SyncQueue::pushRequest()`: adds an HTTP delivery job (type
/// [`conduit_store::DELIVERY_JOB_TYPE`]); `options` mixes request keys (query,
/// headers, json, form, body, timeout, idempotency_key) and push keys.
///
/// # Errors
/// `Config` for a bad request or option; `Database` when the store fails.
pub fn push_request(
    queue: &Queue,
    method: &str,
    path: &str,
    options: Option<&Value>,
    raw_body: Option<Vec<u8>>,
) -> Result<(Pushed, DeliverySpec)> {
    queue.push_request(method, path, options, raw_body, spec_from_options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generates_a_key_and_round_trips() {
        let spec = spec_from_options("post", "/orders", &json!({"json": {"id": 42}, "query": {"page": 2}}), None).unwrap();
        assert_eq!(spec.method, "POST");
        assert_eq!(spec.idempotency_key.len(), 36);
        let back = DeliverySpec::from_payload(&spec.to_payload()).unwrap();
        assert_eq!(back, spec);
        let request = to_request(&back, 7).unwrap();
        assert_eq!(request.idempotency_key.as_deref(), Some(spec.idempotency_key.as_str()));
        assert_eq!(request.job_id, Some(7));
        assert_eq!(request.body, Body::Json(json!({"id": 42})));
    }

    #[test]
    fn keeps_the_callers_key_and_binary_bodies() {
        let spec = spec_from_options("PUT", "/blob", &json!({"idempotency_key": "k-1"}), Some(vec![0xff, 0x00])).unwrap();
        assert_eq!(spec.idempotency_key, "k-1");
        assert_eq!(spec.body_base64.as_deref(), Some("/wA="));
        assert_eq!(to_request(&spec, 1).unwrap().body, Body::Raw(vec![0xff, 0x00]));
    }

    #[test]
    fn rejects_what_the_client_would_reject() {
        let err = spec_from_options("GE T", "/x", &json!({}), None).unwrap_err();
        assert!(err.is_config(), "{err}");
        let err = spec_from_options("GET", "/x", &json!({"json": 1, "body": "x"}), None).unwrap_err();
        assert!(err.message().contains("exclusive"), "{err}");
    }
}
