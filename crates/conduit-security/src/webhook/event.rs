//! A delivery that passed verification.

use std::fmt;

/// An authentic, fresh, well-formed webhook delivery.
///
/// `id` is what downstream code must deduplicate on: a signature proves who sent
/// a request, not that it was sent once.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub(crate) id: String,
    pub(crate) timestamp: Option<i64>,
    pub(crate) event_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl WebhookEvent {
    /// The delivery's idempotency key: `webhook-id` (Standard Webhooks), the
    /// configured JSON id field (`id` for Stripe), or `sha256:<hex of the body>`
    /// when the scheme carries no id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The signed Unix timestamp; `None` for schemes that sign no timestamp.
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The event type from the configured JSON field, if present and a string.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The body exactly as received and verified.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body out without copying.
    pub fn into_raw_body(self) -> Vec<u8> {
        self.body
    }

    /// The body decoded as JSON. Verification already validated it, so this fails
    /// only for documents serde cannot represent.
    ///
    /// # Errors
    /// Returns serde's error for such documents.
    pub fn payload(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("event_type", &self.event_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}
