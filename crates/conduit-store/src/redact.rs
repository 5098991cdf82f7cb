//! Secrets out of diagnostics: a password in a URL quoted by a driver error (a DSN
//! `mysql://user:pw@host`) is masked before the text reaches a log line.
//!
//! The same rule as `conduit_http::redact::mask_userinfo_passwords`, kept here too so
//! the store needs no HTTP crate; conduit-delivery's tests check that both agree.

/// What a masked password reads as.
pub const REDACTED: &str = "[REDACTED]";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_only_the_password() {
        assert_eq!(
            mask_userinfo_passwords("cannot connect to mysql://root:s3cret@db:3306/site: refused"),
            "cannot connect to mysql://root:[REDACTED]@db:3306/site: refused"
        );
        assert_eq!(mask_userinfo_passwords("postgres://u@h/db and http://a:b@c/"), "postgres://u@h/db and http://a:[REDACTED]@c/");
        assert_eq!(mask_userinfo_passwords("no url here"), "no url here");
    }
}
