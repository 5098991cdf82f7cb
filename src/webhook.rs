//! `Conduit\WebhookSecurity` and `Conduit\WebhookEvent`: option and header
//! conversion over `conduit_security::webhook`; all verification lives there.


use std::borrow::Cow;

use conduit_security::webhook::{
    self, HeaderSet, Scheme, VerifyError, WebhookEvent, WebhookVerifier,
};
use conduit_security::ConfigError;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::php_options::{
    entries, opt_string, opt_uint, reject_unknown, sentence, type_name,
    ArrayReturn, Bytes, Key, StringReturn,
};

/// Every option `new WebhookSecurity([...])` accepts.
const OPTIONS: &[&str] = &[
    "scheme",
    "secrets",
    "tolerance_s",
    "max_body_bytes",
    "event_type_field",
    "id_field",
    "header",
    "encoding",
    "prefix",
    "algorithm",
];

/// Verifies incoming webhooks of one sender.
#[php_class]
#[php(name = "Conduit\\WebhookSecurity")]
// Final: a subclass could skip the constructor and leave the Rust object unset.
#[php(flags = ClassFlags::Final)]
pub struct PhpWebhookSecurity(WebhookVerifier);

#[php_impl]
impl PhpWebhookSecurity {
    pub fn __construct(config: &ZendHashTable) -> PhpResult<Self> {
        verifier_from_options(config).map(Self)
    }

    /// Verifies the raw body and headers; returns the event or throws
    /// `SignatureException` with a reason code.
    pub fn verify(
        &self,
        rawBody: Bytes<'_>,
        headers: &ZendHashTable,
        now: Option<i64>,
    ) -> PhpResult<PhpWebhookEvent> {
        let header_set = collect_headers(&self.0, headers);
        let now = now.unwrap_or_else(webhook::unix_now);
        // The same range sign() accepts: a bad $now is the caller's error, not the sender's.
        webhook::check_timestamp("$now", now).map_err(config_exception)?;
        self.0
            .verify(rawBody.0, &header_set, now)
            .map(PhpWebhookEvent::new)
            .map_err(signature_exception)
    }

    /// The headers that make `body` verify, signed with every configured secret.
    pub fn sign(
        &self,
        body: Bytes<'_>,
        id: Option<Bytes<'_>>,
        timestamp: Option<i64>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let timestamp = timestamp.unwrap_or_else(webhook::unix_now);
        let id = id
            .map(|id| {
                std::str::from_utf8(id.0).map_err(|_| {
                    config_error("WebhookSecurity::sign(): $id must be 1 to 256 printable ASCII characters, no spaces.")
                })
            })
            .transpose()?;
        let headers = self
            .0
            .sign(body.0, id, timestamp)
            .map_err(config_exception)?;
        let mut out =
            ZendHashTable::with_capacity(u32::try_from(headers.len()).unwrap_or(u32::MAX));
        for (name, value) in headers {
            out.insert(name.as_str(), value).map_err(|e| {
                PhpException::from_message(format!("Cannot build the header array: {e}."))
            })?;
        }
        Ok(out)
    }

    /// `standard`, `stripe` or `hmac`.
    pub fn get_scheme(&self) -> &'static str {
        self.0.scheme().as_str()
    }
}

/// A verified delivery. Created only by `WebhookSecurity::verify`.
#[php_class]
#[php(name = "Conduit\\WebhookEvent")]
// Final: a subclass could skip the constructor and leave the Rust object unset.
#[php(flags = ClassFlags::Final)]
pub struct PhpWebhookEvent {
    event: WebhookEvent,
    /// The body as a PHP string, made on first use and shared by `getRawBody()`
    /// and `getPayload()` (PHP's JSON scanner needs the NUL a zend_string ends with).
    raw_body: Option<Zval>,
    /// `json_decode($rawBody, true)`, decoded on first `getPayload()`.
    payload: Option<Zval>,
}

impl PhpWebhookEvent {
    fn new(event: WebhookEvent) -> Self {
        Self {
            event,
            raw_body: None,
            payload: None,
        }
    }

    fn raw_body_zval(&mut self) -> &Zval {
        let body = self.event.raw_body();
        self.raw_body
            .get_or_insert_with(|| StringReturn::from_bytes(body).0)
    }
}

#[php_impl]
impl PhpWebhookEvent {
    /// The idempotency key to deduplicate on.
    pub fn get_id(&self) -> String {
        self.event.id().to_owned()
    }

    /// The signed Unix timestamp, or null for schemes that sign none.
    pub fn get_timestamp(&self) -> Option<i64> {
        self.event.timestamp()
    }

    /// The event type from the configured JSON field, or null.
    pub fn get_type(&self) -> Option<String> {
        self.event.event_type().map(str::to_owned)
    }

    /// The body decoded as by `json_decode($rawBody, true)`.
    pub fn get_payload(&mut self) -> PhpResult<ArrayReturn> {
        if self.payload.is_none() {
            let decoded = php_json_decode(self.raw_body_zval())?;
            self.payload = Some(decoded);
        }
        Ok(ArrayReturn(
            self.payload
                .as_ref()
                .map(Zval::shallow_clone)
                .unwrap_or_default(),
        ))
    }

    /// The body exactly as received and verified.
    pub fn get_raw_body(&mut self) -> StringReturn {
        StringReturn(self.raw_body_zval().shallow_clone())
    }
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

fn verifier_from_options(config: &ZendHashTable) -> PhpResult<WebhookVerifier> {
    reject_unknown(config, OPTIONS, "Conduit\\WebhookSecurity")?;
    let scheme: Scheme = opt_string(config, "scheme")?
        .ok_or_else(|| {
            config_error("Option \"scheme\" is required: \"standard\", \"stripe\" or \"hmac\".")
        })?
        .parse()
        .map_err(config_exception)?;
    let mut builder = WebhookVerifier::builder(scheme);
    for secret in secrets(config)? {
        builder = builder.secret(secret);
    }
    if let Some(seconds) = opt_uint(config, "tolerance_s")? {
        builder = builder.tolerance_s(seconds);
    }
    if let Some(bytes) = opt_uint(config, "max_body_bytes")? {
        builder = builder.max_body_bytes(bytes);
    }
    if let Some(field) = opt_string(config, "event_type_field")? {
        builder = builder.event_type_field(&field);
    }
    if let Some(field) = opt_string(config, "id_field")? {
        builder = builder.id_field(&field);
    }
    if let Some(header) = opt_string(config, "header")? {
        builder = builder.signature_header(&header);
    }
    if let Some(encoding) = opt_string(config, "encoding")? {
        builder = builder.encoding(encoding.parse().map_err(config_exception)?);
    }
    if let Some(prefix) = opt_string(config, "prefix")? {
        builder = builder.prefix(&prefix);
    }
    if let Some(algorithm) = opt_string(config, "algorithm")? {
        builder = builder.algorithm(algorithm.parse().map_err(config_exception)?);
    }
    builder.build().map_err(config_exception)
}

/// `secrets`: one string or a list of strings. Values are never quoted back.
fn secrets(config: &ZendHashTable) -> PhpResult<Vec<&[u8]>> {
    let Some(value) = config.get("secrets") else {
        return Err(config_error(
            "Option \"secrets\" is required: one secret or a list of them.",
        ));
    };
    if let Some(s) = value.zend_str() {
        return Ok(vec![s.as_bytes()]);
    }
    let Some(list) = value.array() else {
        return Err(config_error(format!(
            "Option \"secrets\" must be a string or a list of strings, {} given.",
            type_name(value)
        )));
    };
    let mut out = Vec::with_capacity(list.len());
    for (position, (_, secret)) in entries(list).into_iter().enumerate() {
        match secret.zend_str() {
            Some(s) => out.push(s.as_bytes()),
            None => {
                return Err(config_error(format!(
                    "Option \"secrets\" must hold strings: entry #{} is {}.",
                    position + 1,
                    type_name(secret)
                )))
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

/// Collects the headers the verifier needs from any of PHP's shapes:
/// `['Webhook-Id' => '…']`, `$_SERVER` (`HTTP_WEBHOOK_ID`), PSR-7 style
/// `['webhook-id' => ['…']]` (first value), or a list of raw `"Name: value"` lines.
fn collect_headers<'a>(verifier: &WebhookVerifier, headers: &'a ZendHashTable) -> HeaderSet<'a> {
    let mut set = verifier.header_set();
    let mut iter = headers.iter();
    while let Some((key, value)) = iter.next_zval() {
        match Key::from_key_zval(&key) {
            Key::Str(name) => {
                if let Some(slot) = set.slot_for(&name) {
                    set.fill(slot, header_value(value));
                }
            }
            Key::Int(_) => {
                // A raw header line, as curl and some frameworks give them.
                let Some(line) = value.zend_str().map(|s| s.as_bytes()) else {
                    continue;
                };
                let Some(colon) = line.iter().position(|b| *b == b':') else {
                    continue;
                };
                if let Some(slot) = set.slot_for(line[..colon].trim_ascii()) {
                    set.fill(slot, Some(Cow::Borrowed(&line[colon + 1..])));
                }
            }
        }
    }
    set
}

/// A header value's bytes: strings as-is, integers as digits (a timestamp given
/// as int), arrays by their first element. `None` for anything else.
fn header_value(value: &Zval) -> Option<Cow<'_, [u8]>> {
    if let Some(s) = value.zend_str() {
        return Some(Cow::Borrowed(s.as_bytes()));
    }
    if let Some(n) = value.long() {
        return Some(Cow::Owned(n.to_string().into_bytes()));
    }
    let (_, first) = value.array()?.iter().next_zval()?;
    if let Some(s) = first.zend_str() {
        return Some(Cow::Borrowed(s.as_bytes()));
    }
    first.long().map(|n| Cow::Owned(n.to_string().into_bytes()))
}

// ---------------------------------------------------------------------------
// Errors and JSON
// ---------------------------------------------------------------------------

fn signature_exception(error: VerifyError) -> PhpException {
    let status = i64::from(error.http_status());
    ConduitThrow::new(ExceptionClass::Signature, sentence(error.message()))
        .code(status)
        .with("reason", error.reason().as_str())
        .with("httpStatus", status)
        .into()
}

pub(crate) fn config_exception(error: ConfigError) -> PhpException {
    config_error(sentence(error.message()))
}

extern "C" {
    // ext/json/php_json.h: PHP_JSON_API, exported by every SAPI binary (json is
    // always compiled in since PHP 8.0).
    fn php_json_decode_ex(
        return_value: *mut ext_php_rs::ffi::zval,
        str_: *const std::ffi::c_char,
        str_len: usize,
        options: ext_php_rs::ffi::zend_long,
        depth: ext_php_rs::ffi::zend_long,
    ) -> i32;
}

/// `PHP_JSON_OBJECT_AS_ARRAY`.
const JSON_OBJECT_AS_ARRAY: ext_php_rs::ffi::zend_long = 1;
/// `PHP_JSON_PARSER_DEFAULT_DEPTH`, json_decode's default.
const JSON_DEFAULT_DEPTH: ext_php_rs::ffi::zend_long = 512;

/// `json_decode($body, true)` by PHP's own parser, so payload arrays are exactly
/// what PHP code would get (float for big integers, integer-like keys, …).
/// `body` must be a PHP string: the scanner reads the terminating NUL.
fn php_json_decode(body: &Zval) -> PhpResult<Zval> {
    let bytes = body.zend_str().map(|s| s.as_bytes()).unwrap_or_default();
    let mut out = Zval::new();
    // SAFETY: `out` is a valid zval to write into; `bytes` is the content of a
    // zend_string, which is NUL-terminated, and outlives the call.
    let status = unsafe {
        php_json_decode_ex(
            &mut out,
            bytes.as_ptr().cast(),
            bytes.len(),
            JSON_OBJECT_AS_ARRAY,
            JSON_DEFAULT_DEPTH,
        )
    };
    if status == 0 {
        Ok(out)
    } else {
        // verify() validated the JSON, so only PHP's own limits get here.
        Err(ConduitThrow::new(
            ExceptionClass::Signature,
            "The webhook body cannot be decoded by json_decode.",
        )
        .code(400)
        .with("reason", "malformed_json")
        .with("httpStatus", 400i64)
        .into())
    }
}
