//! Redaction of secrets in log records, applied before a record leaves this crate.
//!
//! Three nets, because one is never enough with real APIs:
//! 1. header values by name (`Authorization`, cookies, the configured auth header…);
//! 2. JSON fields and form/query parameters by name, at any depth (`password`, `token`…);
//! 3. the literal values of the configured credentials, wherever they appear —
//!    an API that echoes the request back must not smuggle the token into the log.

use std::collections::HashSet;

pub const REDACTED: &str = "[REDACTED]";

pub const DEFAULT_REDACT_HEADERS: &[&str] = &["authorization", "cookie", "set-cookie", "proxy-authorization"];
pub const DEFAULT_REDACT_FIELDS: &[&str] =
    &["password", "token", "secret", "api_key", "access_token", "refresh_token", "client_secret"];

/// Shortest credential we scrub literally; shorter strings would shred innocent text.
const MIN_LITERAL_SECRET_LEN: usize = 4;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    headers: HashSet<String>,
    fields: HashSet<String>,
    literals: Vec<String>,
}

impl Redactor {
    /// `extra_headers`/`fields` are matched case-insensitively; `literals` are the
    /// credential values themselves.
    pub fn new(extra_headers: &[String], fields: &[String], literals: Vec<String>) -> Self {
        let mut headers: HashSet<String> = DEFAULT_REDACT_HEADERS.iter().map(|h| h.to_string()).collect();
        headers.extend(extra_headers.iter().map(|h| h.to_ascii_lowercase()));
        let fields = fields.iter().map(|f| f.to_ascii_lowercase()).collect();
        let mut literals: Vec<String> = literals.into_iter().filter(|s| s.len() >= MIN_LITERAL_SECRET_LEN).collect();
        // Longest first, so a secret containing another is replaced whole.
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        literals.dedup();
        Self { headers, fields, literals }
    }

    pub fn is_secret_header(&self, name: &str) -> bool {
        self.headers.contains(&name.to_ascii_lowercase())
    }

    pub fn is_secret_field(&self, name: &str) -> bool {
        self.fields.contains(&name.to_ascii_lowercase())
    }

    /// Replaces every configured credential value in `text`.
    pub fn scrub_literals(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.literals {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Scrubs free text that may quote a URL or a credential (an error message, an
    /// error source's text): every configured credential value, and the password of
    /// any `scheme://user:password@` userinfo, whoever's it is.
    pub fn scrub_text(&self, text: &str) -> String {
        mask_userinfo_passwords(&self.scrub_literals(text))
    }

    /// Like [`Redactor::scrub_literals`] for bytes that may not be UTF-8 (an error
    /// response's body); `None` when no credential occurs in them.
    pub fn scrub_literal_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        for secret in &self.literals {
            let needle = secret.as_bytes();
            if needle.is_empty() {
                continue;
            }
            let haystack = out.as_deref().unwrap_or(bytes);
            if !haystack.windows(needle.len()).any(|w| w == needle) {
                continue;
            }
            let mut replaced = Vec::with_capacity(haystack.len());
            let mut i = 0;
            while i < haystack.len() {
                if haystack[i..].starts_with(needle) {
                    replaced.extend_from_slice(REDACTED.as_bytes());
                    i += needle.len();
                } else {
                    replaced.push(haystack[i]);
                    i += 1;
                }
            }
            out = Some(replaced);
        }
        out
    }

    /// Whether any credential literal is configured (the cheap path skips scrubbing).
    pub fn has_literals(&self) -> bool {
        !self.literals.is_empty()
    }

    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let value = if self.is_secret_header(name) { REDACTED.to_owned() } else { self.scrub_literals(value) };
                (name.clone(), value)
            })
            .collect()
    }

    /// Like [`Redactor::url`] for an already parsed URL; skips the work when there is
    /// nothing a secret could hide in (no query, no password, no configured literal).
    pub fn url_of(&self, url: &url::Url) -> String {
        if url.query().is_none() && url.password().is_none() && self.literals.is_empty() {
            return url.as_str().to_owned();
        }
        self.url(url.as_str())
    }

    /// Redacts a URL's secret query parameters and credentials.
    pub fn url(&self, raw: &str) -> String {
        let Ok(mut url) = url::Url::parse(raw) else {
            return self.scrub_literals(raw);
        };
        if !url.password().unwrap_or("").is_empty() {
            let _ = url.set_password(Some(REDACTED));
        }
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if self.is_secret_field(&k) { REDACTED.to_owned() } else { v.into_owned() };
                    (k.into_owned(), v)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        self.scrub_literals(url.as_str())
    }

    /// Redacts a body by content: JSON by field name at any depth, form-encoded by
    /// parameter name, anything else by credential literals. Then truncates.
    pub fn body(&self, body: &[u8], max_bytes: usize) -> String {
        if body.is_empty() {
            return String::new();
        }
        let text = String::from_utf8_lossy(body);
        let redacted = if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) {
            self.redact_json(&mut json);
            json.to_string()
        } else if looks_form_encoded(&text) {
            self.form(body)
        } else {
            text.into_owned()
        };
        truncate(&self.scrub_literals(&redacted), max_bytes)
    }

    fn redact_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if self.is_secret_field(key) || self.is_secret_header(key) {
                        *v = serde_json::Value::String(REDACTED.to_owned());
                    } else {
                        self.redact_json(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            // APIs wrap payloads in strings (an echoed body, a "data" field holding
            // JSON, a query string): look inside those too.
            serde_json::Value::String(text) => {
                let trimmed = text.trim_start();
                if trimmed.starts_with('{') || trimmed.starts_with('[') {
                    if let Ok(mut inner) = serde_json::from_str::<serde_json::Value>(text) {
                        self.redact_json(&mut inner);
                        *text = inner.to_string();
                    }
                } else if looks_form_encoded(text) {
                    *text = self.form(text.as_bytes());
                }
            }
            _ => {}
        }
    }

    /// Redacts form-encoded pairs by name; leaves the text as it was when nothing is secret.
    fn form(&self, body: &[u8]) -> String {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        if !pairs.iter().any(|(k, _)| self.is_secret_field(k)) {
            return String::from_utf8_lossy(body).into_owned();
        }
        let pairs = pairs.into_iter().map(|(k, v)| {
            let v = if self.is_secret_field(&k) { REDACTED.to_owned() } else { v };
            (k, v)
        });
        url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
    }
}

/// Replaces the password in every `scheme://user:password@host` found in `text`
/// (a URL printed inside an error message) with `[REDACTED]`.
pub fn mask_userinfo_passwords(text: &str) -> String {
    if !text.contains("://") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#', whitespace, quote or bracket.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '(' | ')' | '<' | '>' | '[' | ']') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) if colon + 1 < userinfo.len() => {
                        out.push_str(&userinfo[..=colon]);
                        out.push_str(REDACTED);
                        out.push_str(&authority[at..]);
                    }
                    _ => out.push_str(authority),
                }
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn looks_form_encoded(text: &str) -> bool {
    !text.is_empty()
        && text.contains('=')
        && !text.contains(char::is_whitespace)
        && text.split('&').all(|pair| pair.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
}

/// Cuts `text` to at most `max_bytes` on a char boundary, marking the cut.
pub fn truncate(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let mut cut = max_bytes;
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…[truncated {} bytes]", &text[..cut], text.len() - cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(
            &["X-Api-Key".into()],
            &DEFAULT_REDACT_FIELDS.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            vec!["sk_live_abcdef".into(), "abc".into()],
        )
    }

    #[test]
    fn headers_by_name_any_case() {
        let r = redactor();
        let out = r.headers(&[
            ("Authorization".into(), "Bearer sk_live_abcdef".into()),
            ("x-api-key".into(), "k".into()),
            ("Set-Cookie".into(), "sid=1".into()),
            ("X-Echo".into(), "token sk_live_abcdef here".into()),
            ("Accept".into(), "application/json".into()),
        ]);
        assert_eq!(out[0].1, REDACTED);
        assert_eq!(out[1].1, REDACTED);
        assert_eq!(out[2].1, REDACTED);
        assert_eq!(out[3].1, "token [REDACTED] here");
        assert_eq!(out[4].1, "application/json");
    }

    #[test]
    fn json_fields_at_any_depth() {
        let r = redactor();
        let body = br#"{"user":"bob","password":"hunter2","nested":[{"Access_Token":"t1"},{"ok":1}],"client":{"client_secret":{"x":1}}}"#;
        let out = r.body(body, 10_000);
        assert!(!out.contains("hunter2") && !out.contains("t1") && !out.contains("\"x\""), "{out}");
        assert!(out.contains("bob") && out.contains("\"ok\":1"));
    }

    #[test]
    fn json_and_forms_inside_strings() {
        let r = redactor();
        let body = br#"{"body":"{\"password\":\"hunter2\"}","query":"a=1&token=qt-1","note":"plain a=b"}"#;
        let out = r.body(body, 10_000);
        assert!(!out.contains("hunter2") && !out.contains("qt-1"), "{out}");
        assert!(out.contains("plain a=b"), "{out}");
    }

    #[test]
    fn form_and_query_parameters() {
        let r = redactor();
        assert_eq!(r.body(b"user=bob&password=hunter2", 1000), "user=bob&password=%5BREDACTED%5D");
        let url = r.url("https://u:pw@api.test/x?api_key=K123&page=2");
        assert!(!url.contains("K123") && !url.contains(":pw@") && url.contains("page=2"), "{url}");
    }

    #[test]
    fn literals_are_scrubbed_everywhere_but_short_ones_are_ignored() {
        let r = redactor();
        assert_eq!(r.body(b"echo: sk_live_abcdef!", 1000), "echo: [REDACTED]!");
        assert_eq!(r.scrub_literals("abc is too short to scrub"), "abc is too short to scrub");
    }

    #[test]
    fn free_text_loses_credentials_and_userinfo_passwords() {
        let r = redactor();
        let text = "error sending request for url (http://bob:pw%21x@h.test/x?k=sk_live_abcdef): refused; see https://u@h2/ and ftp://a:b@c";
        let out = r.scrub_text(text);
        assert!(!out.contains("pw%21x") && !out.contains("sk_live_abcdef") && !out.contains(":b@"), "{out}");
        assert!(out.contains("http://bob:[REDACTED]@h.test/x") && out.contains("https://u@h2/"), "{out}");
        assert_eq!(r.scrub_literal_bytes(b"\xff sk_live_abcdef \x00").as_deref(), Some(&b"\xff [REDACTED] \x00"[..]));
        assert_eq!(r.scrub_literal_bytes(b"nothing"), None);
    }

    #[test]
    fn truncation_respects_utf8_and_says_so() {
        let t = truncate("привет мир", 5);
        assert!(t.starts_with("пр") && t.contains("truncated"), "{t}");
        assert_eq!(truncate("short", 100), "short");
    }
}
