//! Finding the few headers a scheme needs in whatever shape the caller has them.
//!
//! PHP code holds request headers as `getallheaders()` (`Webhook-Id`), as a
//! framework's lower-case map (`webhook-id`), or as `$_SERVER` (`HTTP_WEBHOOK_ID`).
//! [`HeaderSet`] is created for the names a verifier needs and is *offered* every
//! key of the caller's array; it keeps only the matching ones, so scanning a
//! 60-entry `$_SERVER` costs a few byte comparisons per key and no allocation.
//!
//! Lenient about shape, strict about content: names match case-insensitively with
//! `-`/`_` equivalent and an optional `HTTP_` prefix; values are trimmed of
//! surrounding blanks; a header given twice with *different* values is refused as
//! malformed instead of silently picking one.

use std::borrow::Cow;

use super::error::{Reason, VerifyError};

/// The values of the headers one verification needs.
#[derive(Debug, Clone)]
pub struct HeaderSet<'a> {
    slots: Vec<Slot<'a>>,
}

#[derive(Debug, Clone)]
struct Slot<'a> {
    /// Canonical lower-case, dash-separated name, e.g. `webhook-id`.
    name: Box<str>,
    value: SlotValue<'a>,
}

#[derive(Debug, Clone)]
enum SlotValue<'a> {
    Absent,
    Present(Cow<'a, [u8]>),
    /// The caller's value was of a shape that has no string form (null, object, empty array).
    Unusable,
    /// Two keys for this header carried different values.
    Conflicting,
}

impl<'a> HeaderSet<'a> {
    /// A set that will collect the named headers. Names are matched
    /// case-insensitively; pass them in any case.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let slots = names
            .into_iter()
            .map(|n| Slot {
                name: canonical_name(n.as_ref()).into_boxed_str(),
                value: SlotValue::Absent,
            })
            .collect();
        Self { slots }
    }

    /// Builds a set from `(name, value)` pairs, keeping the wanted ones.
    pub fn from_pairs<I, N, K, V>(wanted: N, pairs: I) -> Self
    where
        N: IntoIterator<Item = K>,
        K: AsRef<str>,
        I: IntoIterator<Item = (&'a str, V)>,
        V: Into<Cow<'a, [u8]>>,
    {
        let mut set = Self::new(wanted);
        for (name, value) in pairs {
            if let Some(slot) = set.slot_for(name.as_bytes()) {
                set.fill(slot, Some(value.into()));
            }
        }
        set
    }

    /// The slot a caller's key belongs to, if the verifier wants that header.
    pub fn slot_for(&self, key: &[u8]) -> Option<usize> {
        self.slots
            .iter()
            .position(|slot| key_matches(key, &slot.name))
    }

    /// Stores the value for a slot returned by [`slot_for`](Self::slot_for).
    /// `None` records a value that had no string form; the header then counts as
    /// missing. Surrounding blanks are trimmed.
    pub fn fill(&mut self, slot: usize, value: Option<Cow<'a, [u8]>>) {
        let Some(target) = self.slots.get_mut(slot) else {
            return;
        };
        let new = match value {
            Some(Cow::Borrowed(b)) => SlotValue::Present(Cow::Borrowed(trim_blanks(b))),
            Some(Cow::Owned(v)) => SlotValue::Present(Cow::Owned(trim_blanks(&v).to_vec())),
            None => SlotValue::Unusable,
        };
        target.value = match (std::mem::replace(&mut target.value, SlotValue::Absent), new) {
            (SlotValue::Absent, new) => new,
            (SlotValue::Present(old), SlotValue::Present(new)) if old == new => {
                SlotValue::Present(old)
            }
            (SlotValue::Present(old), SlotValue::Unusable)
            | (SlotValue::Unusable, SlotValue::Present(old)) => SlotValue::Present(old),
            (SlotValue::Unusable, SlotValue::Unusable) => SlotValue::Unusable,
            _ => SlotValue::Conflicting,
        };
    }

    /// Offers one `(key, value)` of the caller's headers; kept if wanted.
    pub fn offer(&mut self, key: &[u8], value: impl Into<Cow<'a, [u8]>>) {
        if let Some(slot) = self.slot_for(key) {
            self.fill(slot, Some(value.into()));
        }
    }

    /// The value of a wanted header. `Ok(None)` when absent or empty; an error when it was
    /// given twice with different values.
    pub(crate) fn get(&self, name: &str) -> Result<Option<&[u8]>, VerifyError> {
        let Some(slot) = self.slots.iter().find(|s| &*s.name == name) else {
            return Ok(None);
        };
        match &slot.value {
            // A blanked-out header (some proxies do that) is as good as absent.
            SlotValue::Present(v) if v.is_empty() => Ok(None),
            SlotValue::Present(v) => Ok(Some(v)),
            SlotValue::Absent | SlotValue::Unusable => Ok(None),
            SlotValue::Conflicting => Err(VerifyError::new(
                Reason::MalformedHeader,
                format!(
                    "header {} is given more than once with different values",
                    slot.name
                ),
            )),
        }
    }

    /// The value of a header the scheme cannot do without.
    pub(crate) fn require(&self, name: &str) -> Result<&[u8], VerifyError> {
        self.get(name)?.ok_or_else(|| {
            VerifyError::new(Reason::MissingHeader, format!("header {name} is missing"))
        })
    }
}

/// `X-Hub-Signature-256` → `x-hub-signature-256`.
pub(crate) fn canonical_name(name: &str) -> String {
    name.bytes().map(|b| canonical_byte(b) as char).collect()
}

fn canonical_byte(b: u8) -> u8 {
    match b {
        b'_' => b'-',
        _ => b.to_ascii_lowercase(),
    }
}

/// Whether a caller's key names the canonical header: `Webhook-Id`, `webhook_id`,
/// `WEBHOOK-ID` and `HTTP_WEBHOOK_ID` all name `webhook-id`.
fn key_matches(key: &[u8], canonical: &str) -> bool {
    let canonical = canonical.as_bytes();
    let same = |k: &[u8]| {
        k.len() == canonical.len()
            && k.iter()
                .zip(canonical)
                .all(|(&a, &b)| canonical_byte(a) == b)
    };
    if same(key) {
        return true;
    }
    match key.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case(b"http_") => same(&key[5..]),
        _ => false,
    }
}

fn trim_blanks(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_in_every_php_spelling() {
        for key in [
            "webhook-id",
            "Webhook-Id",
            "WEBHOOK-ID",
            "webhook_id",
            "HTTP_WEBHOOK_ID",
            "http_webhook_id",
        ] {
            assert!(key_matches(key.as_bytes(), "webhook-id"), "{key}");
        }
        for key in [
            "webhook-idx",
            "webhook",
            "X_WEBHOOK_ID",
            "HTTP_",
            "",
            "HTTPWEBHOOK_ID",
        ] {
            assert!(!key_matches(key.as_bytes(), "webhook-id"), "{key}");
        }
    }

    #[test]
    fn values_are_trimmed_and_duplicates_must_agree() {
        let mut set = HeaderSet::new(["Webhook-Id"]);
        set.offer(b"Webhook-Id", &b"  msg_1\t"[..]);
        set.offer(b"HTTP_WEBHOOK_ID", &b"msg_1"[..]);
        assert_eq!(set.get("webhook-id").unwrap(), Some(&b"msg_1"[..]));

        set.offer(b"webhook_id", &b"msg_2"[..]);
        let err = set.get("webhook-id").unwrap_err();
        assert_eq!(err.reason(), Reason::MalformedHeader);
    }

    #[test]
    fn unusable_values_count_as_missing() {
        let mut set = HeaderSet::new(["webhook-id"]);
        let slot = set.slot_for(b"Webhook-Id").unwrap();
        set.fill(slot, None);
        assert_eq!(set.get("webhook-id").unwrap(), None);
        assert_eq!(
            set.require("webhook-id").unwrap_err().reason(),
            Reason::MissingHeader
        );
        // A usable duplicate wins over an unusable one.
        set.fill(slot, Some(Cow::Borrowed(b"msg")));
        assert_eq!(set.get("webhook-id").unwrap(), Some(&b"msg"[..]));
    }

    #[test]
    fn unwanted_keys_are_ignored() {
        let set =
            HeaderSet::from_pairs(["webhook-id"], [("Content-Type", &b"application/json"[..])]);
        assert_eq!(set.get("webhook-id").unwrap(), None);
        assert_eq!(set.get("content-type").unwrap(), None);
    }

    #[test]
    fn trim_handles_blank_only_values() {
        assert_eq!(trim_blanks(b"   "), b"");
        assert_eq!(trim_blanks(b""), b"");
        assert_eq!(trim_blanks(b" a b "), b"a b");
    }
}
