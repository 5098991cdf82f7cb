//! A completed HTTP exchange as the caller sees it.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub method: String,
    /// Final URL (after redirects), credentials redacted.
    pub url: String,
    /// Names lowercased, in arrival order; repeated headers stay separate entries.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// From the first attempt's start to the end of the last one, waits included.
    pub duration: Duration,
    pub attempts: u32,
    pub correlation_id: String,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Decodes the body as JSON; an empty body is `null`.
    ///
    /// # Errors
    /// The parser's message when the body is not JSON.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("response body is not valid JSON: {e}"))
    }
}
