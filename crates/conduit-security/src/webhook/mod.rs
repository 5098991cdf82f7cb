//! Webhook signature verification: Standard Webhooks, Stripe-style and plain HMAC.
//!
//! # Order of checks (and why)
//!
//! 1. **Body size** first, before any hashing: an oversized body costs nothing.
//! 2. **Headers parsed**: a header the scheme needs is missing or malformed.
//! 3. **Signature** over the raw bytes, against every configured secret (any may
//!    match: that is how secrets rotate), compared in constant time.
//! 4. **Timestamp** within `tolerance_s` in both directions. It is checked after
//!    the signature, as Stripe does, so `timestamp_too_old`/`timestamp_too_new`
//!    only ever describe authentic requests: they mean a replay or a clock problem,
//!    never a forgery, and the administrator can act on that.
//! 5. **JSON**: the body must be a JSON object or array; the event type and id
//!    are read from it.
//!
//! # Replay protection
//!
//! The tolerance window bounds how long a captured request can be replayed; the
//! event id ([`WebhookEvent::id`]) closes the window: downstream code must
//! deduplicate on it. The plain HMAC scheme signs no timestamp, so there the id
//! (a JSON field, or the hash of the body) is the only replay protection.
//! An id taken from an *unsigned* header would let a replayed body pass as new,
//! which is why no scheme reads one.
//!
//! # Example
//!
//! ```
//! use conduit_security::webhook::{HeaderSet, Scheme, WebhookVerifier};
//!
//! let verifier = WebhookVerifier::builder(Scheme::Standard)
//!     .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
//!     .build()?;
//! let body = br#"{"test": 2432232314}"#;
//! let headers = HeaderSet::from_pairs(
//!     verifier.header_names(),
//!     [
//!         ("webhook-id", &b"msg_p5jXN8AQM9LWM0D4loKWxJek"[..]),
//!         ("webhook-timestamp", b"1614265330"),
//!         ("webhook-signature", b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//!     ],
//! );
//! let event = verifier.verify(body, &headers, 1614265330)?;
//! assert_eq!(event.id(), "msg_p5jXN8AQM9LWM0D4loKWxJek");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod event;
mod headers;
mod json;
mod scheme_hmac;
mod scheme_standard;
mod scheme_stripe;
mod secret;

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use error::{Reason, VerifyError};
pub use event::WebhookEvent;
pub use headers::HeaderSet;
pub use secret::HmacAlgorithm;

use crate::error::{quote, ConfigError};
use scheme_hmac::PlainHmac;
use scheme_standard::StandardWebhooks;
use scheme_stripe::StripeSignature;

/// Default `tolerance_s`: five minutes, as Standard Webhooks and Stripe use.
pub const DEFAULT_TOLERANCE_S: u64 = 300;
/// Largest `tolerance_s` accepted: beyond a day the window no longer limits replays.
pub const MAX_TOLERANCE_S: u64 = 86_400;
/// Default `max_body_bytes`: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Largest `max_body_bytes` accepted: 64 MiB.
pub const MAX_BODY_BYTES_LIMIT: u64 = 64 * 1024 * 1024;
/// The latest Unix timestamp accepted anywhere — a signed header, `sign()`'s
/// timestamp or `verify()`'s `now`: 9999-12-31T23:59:59Z. The earliest is 0. One
/// range for all three, so every header `sign()` makes is one `verify()` reads.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// Checks a timestamp given by the caller (`sign()`'s, `verify()`'s `now`) against
/// `0..=MAX_TIMESTAMP`.
///
/// # Errors
/// A [`ConfigError`] naming `what` and quoting the value.
pub fn check_timestamp(what: &str, timestamp: i64) -> Result<i64, ConfigError> {
    if (0..=MAX_TIMESTAMP).contains(&timestamp) {
        Ok(timestamp)
    } else {
        Err(ConfigError::new(format!(
            "{what} must be a Unix timestamp from 0 to {MAX_TIMESTAMP}: {timestamp} given"
        )))
    }
}
/// Default JSON fields naming the event type, in priority order.
pub const DEFAULT_EVENT_TYPE_FIELDS: [&str; 2] = ["type", "event"];
/// Default signature header of the plain HMAC scheme.
pub const DEFAULT_HMAC_HEADER: &str = "X-Signature";

/// The signature scheme a sender uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
    /// `v1` HMAC-SHA256 and `v1a` Ed25519 signatures.
    Standard,
    /// `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// One header carrying an HMAC of the body (GitHub-style and in-house senders).
    Hmac,
}

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::Standard, Scheme::Stripe, Scheme::Hmac];

    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Standard => "standard",
            Scheme::Stripe => "stripe",
            Scheme::Hmac => "hmac",
        }
    }
}

impl FromStr for Scheme {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        Scheme::ALL
            .into_iter()
            .find(|scheme| scheme.as_str() == s)
            .ok_or_else(|| {
                ConfigError::new(format!(
                    "option \"scheme\" must be one of \"standard\", \"stripe\", \"hmac\": {} given",
                    quote(s.as_bytes())
                ))
            })
    }
}

/// How the plain HMAC scheme writes the MAC in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureEncoding {
    Hex,
    Base64,
}

impl FromStr for SignatureEncoding {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "hex" => Ok(SignatureEncoding::Hex),
            "base64" => Ok(SignatureEncoding::Base64),
            _ => Err(ConfigError::new(format!(
                "option \"encoding\" must be \"hex\" or \"base64\": {} given",
                quote(s.as_bytes())
            ))),
        }
    }
}

impl FromStr for HmacAlgorithm {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "sha256" => Ok(HmacAlgorithm::Sha256),
            "sha512" => Ok(HmacAlgorithm::Sha512),
            _ => Err(ConfigError::new(format!(
                "option \"algorithm\" must be \"sha256\" or \"sha512\": {} given",
                quote(s.as_bytes())
            ))),
        }
    }
}

/// Builds a [`WebhookVerifier`]. Setters never fail; [`build`](Self::build)
/// reports the first invalid value.
pub struct WebhookVerifierBuilder {
    scheme: Scheme,
    secrets: Vec<Zeroizing<Vec<u8>>>,
    tolerance_s: u64,
    max_body_bytes: u64,
    event_type_field: Option<String>,
    id_field: Option<String>,
    // Plain HMAC scheme only; `None` means "not set" so other schemes can refuse them.
    signature_header: Option<String>,
    encoding: Option<SignatureEncoding>,
    prefix: Option<String>,
    algorithm: Option<HmacAlgorithm>,
    error: Option<ConfigError>,
}

impl fmt::Debug for WebhookVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifierBuilder")
            .field("scheme", &self.scheme)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("tolerance_s", &self.tolerance_s)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl WebhookVerifierBuilder {
    fn fail(&mut self, error: ConfigError) {
        self.error.get_or_insert(error);
    }

    // -- Secrets --

    /// Adds a secret; any configured secret may match, which is how secrets rotate.
    ///
    /// - `standard`: `whsec_` + base64 (an HMAC key for `v1`), `whpk_` + base64 of a
    ///   32-byte Ed25519 public key (verifies `v1a`), or `whsk_` + base64 of an
    ///   Ed25519 secret key (signs and verifies `v1a`). Bare base64 is read as `whsec_`.
    /// - `stripe`, `hmac`: the secret bytes as-is (Stripe's `whsec_…` included).
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets.push(Zeroizing::new(secret.as_ref().to_vec()));
        self
    }

    // -- Freshness and limits --

    /// How far, in seconds, a signed timestamp may lie in the past or the future.
    /// 1 to 86,400. Default is 300.
    pub fn tolerance_s(mut self, seconds: u64) -> Self {
        if seconds == 0 || seconds > MAX_TOLERANCE_S {
            self.fail(ConfigError::new(format!(
                "option \"tolerance_s\" must be between 1 and {MAX_TOLERANCE_S}: {seconds} given"
            )));
        } else {
            self.tolerance_s = seconds;
        }
        self
    }

    /// Largest body accepted, in bytes; larger ones fail with `body_too_large`
    /// before any hashing. 1 to 64 MiB. Default is 1 MiB.
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        if bytes == 0 || bytes > MAX_BODY_BYTES_LIMIT {
            self.fail(ConfigError::new(format!(
                "option \"max_body_bytes\" must be between 1 and {MAX_BODY_BYTES_LIMIT}: {bytes} given"
            )));
        } else {
            self.max_body_bytes = bytes;
        }
        self
    }

    // -- Event fields --

    /// Top-level JSON field naming the event type. Default is `type`, falling back
    /// to `event`; once set, only this field is read.
    pub fn event_type_field(mut self, field: &str) -> Self {
        if field.is_empty() {
            self.fail(ConfigError::new(
                "option \"event_type_field\" must not be empty",
            ));
        }
        self.event_type_field = Some(field.to_owned());
        self
    }

    /// Top-level JSON field holding the event id, for schemes whose headers carry
    /// none. Default is `id` for `stripe` and none for `hmac` (the id is then
    /// `sha256:` + the body's hash). Not accepted for `standard`, whose id is the
    /// signed `webhook-id` header.
    pub fn id_field(mut self, field: &str) -> Self {
        if field.is_empty() {
            self.fail(ConfigError::new("option \"id_field\" must not be empty"));
        }
        self.id_field = Some(field.to_owned());
        self
    }

    // -- Plain HMAC scheme --

    /// Header carrying the signature. Default is `X-Signature`.
    pub fn signature_header(mut self, name: &str) -> Self {
        let valid_token = !name.is_empty()
            && name.len() <= 128
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_token {
            self.fail(ConfigError::new(format!(
                "option \"header\" must be an HTTP header name: {} given",
                quote(name.as_bytes())
            )));
        }
        self.signature_header = Some(name.to_owned());
        self
    }

    /// How the MAC is written. Default is hex.
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// Text before the MAC, e.g. `sha256=`; matched case-insensitively. Default is none.
    pub fn prefix(mut self, prefix: &str) -> Self {
        if prefix.len() > 32 || !prefix.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            self.fail(ConfigError::new(format!(
                "option \"prefix\" must be at most 32 printable ASCII characters without spaces: {} given",
                quote(prefix.as_bytes())
            )));
        }
        self.prefix = Some(prefix.to_owned());
        self
    }

    /// The hash. Default is SHA-256.
    pub fn algorithm(mut self, algorithm: HmacAlgorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// Validates the configuration and prepares the keys.
    ///
    /// # Errors
    /// The first invalid setting, no secret, a secret that does not decode, or an
    /// option the scheme does not use.
    pub fn build(mut self) -> Result<WebhookVerifier, ConfigError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.secrets.is_empty() {
            return Err(ConfigError::new(
                "option \"secrets\" must hold at least one secret",
            ));
        }
        if self.scheme != Scheme::Hmac {
            let hmac_only = [
                ("header", self.signature_header.is_some()),
                ("encoding", self.encoding.is_some()),
                ("prefix", self.prefix.is_some()),
                ("algorithm", self.algorithm.is_some()),
            ];
            if let Some((option, _)) = hmac_only.iter().find(|(_, set)| *set) {
                return Err(ConfigError::new(format!(
                    "option \"{option}\" applies only to scheme \"hmac\", not \"{}\"",
                    self.scheme.as_str()
                )));
            }
        }
        let scheme = match self.scheme {
            Scheme::Standard => {
                if self.id_field.is_some() {
                    return Err(ConfigError::new(
                        "option \"id_field\" does not apply to scheme \"standard\": its id is the signed webhook-id header",
                    ));
                }
                SchemeImpl::Standard(StandardWebhooks::new(&self.secrets)?)
            }
            Scheme::Stripe => SchemeImpl::Stripe(StripeSignature::new(&self.secrets)?),
            Scheme::Hmac => SchemeImpl::Hmac(PlainHmac::new(
                &self.secrets,
                self.signature_header
                    .as_deref()
                    .unwrap_or(DEFAULT_HMAC_HEADER),
                self.encoding.unwrap_or(SignatureEncoding::Hex),
                self.prefix.as_deref().unwrap_or(""),
                self.algorithm.unwrap_or(HmacAlgorithm::Sha256),
            )?),
        };
        let id_field = match (self.scheme, self.id_field) {
            (_, Some(field)) => Some(field.into_boxed_str()),
            (Scheme::Stripe, None) => Some("id".into()),
            _ => None,
        };
        let type_fields = match self.event_type_field {
            Some(field) => vec![field.into_boxed_str()],
            None => DEFAULT_EVENT_TYPE_FIELDS
                .iter()
                .map(|&f| f.into())
                .collect(),
        };
        Ok(WebhookVerifier {
            scheme,
            tolerance_s: self.tolerance_s,
            // Bounded by MAX_BODY_BYTES_LIMIT above, so it fits any usize we run on.
            max_body_bytes: usize::try_from(self.max_body_bytes).unwrap_or(usize::MAX),
            type_fields,
            id_field,
        })
    }
}

#[derive(Debug)]
enum SchemeImpl {
    Standard(StandardWebhooks),
    Stripe(StripeSignature),
    Hmac(PlainHmac),
}

/// What a scheme learned from the headers once the signature matched.
pub(crate) struct Signed {
    /// The delivery id, when the scheme signs one.
    pub(crate) id: Option<String>,
    /// The signed Unix timestamp, when the scheme signs one.
    pub(crate) timestamp: Option<i64>,
}

/// Verifies deliveries of one sender (one scheme, its secrets and limits).
///
/// Immutable and cheap to share; build once per configuration.
#[derive(Debug)]
pub struct WebhookVerifier {
    scheme: SchemeImpl,
    tolerance_s: u64,
    max_body_bytes: usize,
    type_fields: Vec<Box<str>>,
    id_field: Option<Box<str>>,
}

impl WebhookVerifier {
    /// Starts a configuration for `scheme`.
    pub fn builder(scheme: Scheme) -> WebhookVerifierBuilder {
        WebhookVerifierBuilder {
            scheme,
            secrets: Vec::new(),
            tolerance_s: DEFAULT_TOLERANCE_S,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            event_type_field: None,
            id_field: None,
            signature_header: None,
            encoding: None,
            prefix: None,
            algorithm: None,
            error: None,
        }
    }

    pub fn scheme(&self) -> Scheme {
        match self.scheme {
            SchemeImpl::Standard(_) => Scheme::Standard,
            SchemeImpl::Stripe(_) => Scheme::Stripe,
            SchemeImpl::Hmac(_) => Scheme::Hmac,
        }
    }

    /// The (lower-case) names of the headers [`verify`](Self::verify) reads.
    pub fn header_names(&self) -> Vec<&str> {
        match &self.scheme {
            SchemeImpl::Standard(_) => scheme_standard::HEADERS.to_vec(),
            SchemeImpl::Stripe(_) => vec![scheme_stripe::HEADER],
            SchemeImpl::Hmac(hmac) => vec![hmac.header_name()],
        }
    }

    /// An empty [`HeaderSet`] for this verifier's headers, to be filled with
    /// [`HeaderSet::offer`].
    pub fn header_set<'a>(&self) -> HeaderSet<'a> {
        HeaderSet::new(self.header_names())
    }

    /// Checks one delivery; `now` is the current Unix time in seconds.
    ///
    /// # Errors
    /// A [`VerifyError`] whose [`Reason`] says why the delivery was refused. A `now`
    /// outside `0..=MAX_TIMESTAMP` refuses every delivery (`timestamp_too_new` below
    /// 0, `timestamp_too_old` above); callers taking `now` from users should check
    /// it first with [`check_timestamp`], as the PHP binding does.
    pub fn verify(
        &self,
        body: &[u8],
        headers: &HeaderSet<'_>,
        now: i64,
    ) -> Result<WebhookEvent, VerifyError> {
        if let Err(e) = check_timestamp("now", now) {
            let reason = if now < 0 { Reason::TimestampTooNew } else { Reason::TimestampTooOld };
            return Err(VerifyError::new(reason, e.message().to_owned()));
        }
        if body.len() > self.max_body_bytes {
            return Err(VerifyError::new(
                Reason::BodyTooLarge,
                format!(
                    "body of {} bytes exceeds max_body_bytes ({})",
                    body.len(),
                    self.max_body_bytes
                ),
            ));
        }
        let signed = match &self.scheme {
            SchemeImpl::Standard(s) => s.verify(body, headers)?,
            SchemeImpl::Stripe(s) => s.verify(body, headers)?,
            SchemeImpl::Hmac(s) => s.verify(body, headers)?,
        };
        if let Some(timestamp) = signed.timestamp {
            self.check_freshness(timestamp, now)?;
        }
        let fields = json::inspect(body, &self.type_fields, self.id_field.as_deref())?;
        let id = signed
            .id
            .or(fields.id)
            .unwrap_or_else(|| body_hash_id(body));
        Ok(WebhookEvent {
            id,
            timestamp: signed.timestamp,
            event_type: fields.event_type,
            body: body.to_vec(),
        })
    }

    fn check_freshness(&self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        // i128: neither operand is bounded by anything but i64.
        let age = i128::from(now) - i128::from(timestamp);
        let tolerance = i128::from(self.tolerance_s);
        if age > tolerance {
            Err(VerifyError::new(
                Reason::TimestampTooOld,
                format!(
                    "signed timestamp {timestamp} is {age} s old, more than tolerance_s ({}): a replay, a delivery delayed too long, or a receiver clock running fast",
                    self.tolerance_s
                ),
            ))
        } else if -age > tolerance {
            Err(VerifyError::new(
                Reason::TimestampTooNew,
                format!(
                    "signed timestamp {timestamp} is {} s in the future, more than tolerance_s ({}): the sender's clock runs fast or this server's runs slow",
                    -age, self.tolerance_s
                ),
            ))
        } else {
            Ok(())
        }
    }

    /// The headers that make `body` verify under this configuration, signed with
    /// every secret that can sign (so a receiver holding any of them accepts it).
    ///
    /// `id` is used by `standard` (generated as `msg_` + 24 hex digits when `None`)
    /// and ignored by the others; `timestamp` is used by `standard` and `stripe`.
    ///
    /// # Errors
    /// An id that `verify` would refuse, or no secret able to sign (only `whpk_`
    /// public keys configured).
    pub fn sign(
        &self,
        body: &[u8],
        id: Option<&str>,
        timestamp: i64,
    ) -> Result<Vec<(String, String)>, ConfigError> {
        check_timestamp("timestamp", timestamp)?;
        match &self.scheme {
            SchemeImpl::Standard(s) => s.sign(body, id, timestamp),
            SchemeImpl::Stripe(s) => s.sign(body, timestamp),
            SchemeImpl::Hmac(s) => s.sign(body),
        }
    }
}

/// The current Unix time in seconds (0 if the clock is before 1970).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The id of a delivery whose scheme carries none: the body's SHA-256, so a
/// replayed body gets the same id and is caught by deduplication.
fn body_hash_id(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// Parses a signed Unix timestamp: ASCII digits only (no sign, no fraction, no
/// exponent), from 0 to [`MAX_TIMESTAMP`].
pub(crate) fn parse_timestamp(header: &str, value: &[u8]) -> Result<i64, VerifyError> {
    let digits_only =
        !value.is_empty() && value.len() <= 18 && value.iter().all(u8::is_ascii_digit);
    let parsed = if digits_only {
        std::str::from_utf8(value)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|t| *t <= MAX_TIMESTAMP)
    } else {
        None
    };
    parsed.ok_or_else(|| {
        VerifyError::new(
            Reason::MalformedHeader,
            format!(
                "{header} must be a Unix timestamp in whole seconds from 0 to {MAX_TIMESTAMP}: {} given",
                quote(value)
            ),
        )
    })
}

/// Checks a delivery id: 1 to 256 printable ASCII characters, no spaces.
pub(crate) fn valid_id(value: &[u8]) -> Option<&str> {
    let ok =
        !value.is_empty() && value.len() <= 256 && value.iter().all(|b| (0x21..=0x7e).contains(b));
    if ok {
        std::str::from_utf8(value).ok()
    } else {
        None
    }
}

/// A fresh delivery id for outbound messages.
pub(crate) fn generate_id() -> Result<String, ConfigError> {
    let mut random = [0u8; 12];
    crate::encoding::os_random(&mut random).map_err(|e| {
        ConfigError::new(format!(
            "the operating system's random generator failed: {e}"
        ))
    })?;
    Ok(format!("msg_{}", hex::encode(random)))
}

/// Signature entries examined per header, at most, by every scheme: a header
/// stuffed with entries costs at most this many MAC or Ed25519 checks per secret.
pub(crate) const MAX_SIGNATURE_ENTRIES: usize = 16;

#[cfg(test)]
mod tests;
