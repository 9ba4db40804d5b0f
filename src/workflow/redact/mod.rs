//! Masks secrets (tokens, keys, passwords in URLs) in what steward stores and
//! logs: run outputs and errors, agent transcripts, step records. Emails and
//! phone numbers are masked too when configured (`STEWARD_REDACT_PII`).
//!
//! What flows between the steps of a running workflow is not touched; only
//! what is written down is. Known secrets (steward's own tokens and keys) are
//! masked wherever they appear; others are found by shape: `Bearer …`,
//! `user:password@` in URLs, `?token=…` query parameters, `"password": …`
//! fields, and the formats of common providers' keys.

mod found;

use regex::{Regex, RegexSet};
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// What replaces a secret.
pub const MASK: &str = "[redacted]";

/// Masks secrets, and personal data when asked to.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Exact values to mask (configured tokens and keys), longest first.
    known: Vec<String>,
    /// Also mask emails and phone numbers.
    pii: bool,
}

/// Field names whose values are secrets, whatever they look like.
const SECRET_FIELDS: [&str; 16] = [
    "password",
    "passwd",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "x-api-key",
    "access_token",
    "refresh_token",
    "id_token",
    "auth_token",
    "token",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Whether a field with this name holds a secret, whatever its value looks
/// like ("Authorization", "password", "api_key").
pub fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|field| field.eq_ignore_ascii_case(name))
}

static SHAPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rules: [(&str, &str); 10] = [
        // Chat webhook URLs carry their secret in the path.
        (
            r"(?i)(https://hooks\.slack\.com/services/)[A-Za-z0-9/_-]+",
            "$1[redacted]",
        ),
        (
            r"(?i)(https://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/\d+/)[A-Za-z0-9_-]+",
            "$1[redacted]",
        ),
        // An Authorization header's value, whatever its scheme.
        (
            r#"(?i)(authorization"?\s*[:=]\s*"?(?:(?:bearer|basic|token|bot)\s+)?)[^\s"',}]{6,}"#,
            "$1[redacted]",
        ),
        // Provider key formats: OpenAI, GitHub, Slack, AWS, Google, and
        // steward's own API keys.
        (
            r"\b(?:stw_[0-9a-f]{32,}|sk-[A-Za-z0-9_-]{16,}|gh[opsur]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})\b",
            "[redacted]",
        ),
        // Telegram bot tokens.
        (r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b", "[redacted]"),
        // JSON Web Tokens.
        (
            r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}",
            "[redacted]",
        ),
        // `Bearer …`, `token …` elsewhere: only a credential-looking value
        // (a digit or `=` in it), so "basic functionality" stays.
        (
            r"(?i)\b(bearer|basic|token|bot)\s+[A-Za-z._~+/-]*[0-9=][A-Za-z0-9._~+/=-]*",
            "$1 [redacted]",
        ),
        // A password in a URL's user info.
        (
            r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+):[^@\s/]+@",
            "$1:[redacted]@",
        ),
        // Credentials as query parameters.
        (
            r"(?i)([?&](?:access_token|api_key|apikey|key|token|secret|password|passwd|pwd|sig|signature|auth|client_secret|code)=)[^&\s#'<>]+",
            "$1[redacted]",
        ),
        // `password=…`, `"api_key": "…"` in text.
        (
            r#"(?i)((?:password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|auth[_-]?token|client[_-]?secret)"?\s*[:=]\s*"?)[^\s"',}&]{4,}"#,
            "$1[redacted]",
        ),
    ];
    rules
        .into_iter()
        .map(|(pattern, with)| {
            (
                Regex::new(&ascii_boundaries(pattern)).expect("valid pattern"),
                with,
            )
        })
        .collect()
});

/// The shapes are ASCII tokens, so their word boundaries are ASCII ones:
/// a Unicode `\b` makes the regex engine leave its fast automaton on any
/// text with a non-ASCII character ("—" in every list line), about a
/// millisecond per reply.
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

static SHAPE_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(SHAPES.iter().map(|(pattern, _)| pattern.as_str())).expect("valid patterns")
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_boundaries(
        r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    ))
    .expect("valid pattern")
});

/// A run of digits with the separators phone numbers use; [`is_phone`]
/// decides.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_boundaries(r"(?:\+\d|\(\d|\b\d)[\d\s().-]{6,}\d\b")).expect("valid pattern")
});

static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$").expect("valid pattern")
});

impl Redactor {
    /// `known`: exact secret values (values shorter than 6 characters are
    /// ignored: masking them would mangle ordinary text).
    pub fn new(known: impl IntoIterator<Item = String>, pii: bool) -> Redactor {
        let mut known: Vec<String> = known
            .into_iter()
            .map(|k| k.trim().to_string())
            .filter(|k| k.chars().count() >= 6)
            .collect();
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
        known.dedup();
        Redactor { known, pii }
    }

    /// Whether emails and phone numbers are masked.
    pub fn masks_pii(&self) -> bool {
        self.pii
    }

    /// `text` with secrets (and, when configured, personal data) masked:
    /// for what is stored and logged.
    pub fn text(&self, text: &str) -> String {
        let out = self.secrets(text);
        if self.pii {
            return mask_pii(out);
        }
        out
    }

    /// `text` with secrets masked and personal data left: for what goes to
    /// people (an approval must show whom an email goes to).
    pub fn secrets(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.known {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        // One pass finds which shapes occur at all; most text has none.
        let found = SHAPE_SET.matches(&out);
        for (i, (pattern, with)) in SHAPES.iter().enumerate() {
            if !found.matched(i) {
                continue;
            }
            if let std::borrow::Cow::Owned(changed) = pattern.replace_all(&out, *with) {
                out = changed;
            }
        }
        out
    }

    /// `value` with every string masked, and the values of secret-named
    /// fields ("password", "authorization", ...) replaced whole.
    pub fn value(&self, value: &Value) -> Value {
        self.masked(value).unwrap_or_else(|| value.clone())
    }

    /// [`Redactor::value`] when masking changes `value`; `None` when it
    /// holds nothing to mask, so the caller keeps `value` without a copy.
    pub fn masked(&self, value: &Value) -> Option<Value> {
        // Most values hold nothing to mask (a list of workflows): one pass
        // over all their strings together says so, instead of one per string,
        // and says which kind of masking the strings need.
        // Safe: a shape found in one string is found in the strings joined.
        let look = self.look_for(value);
        if !look.secrets && !look.pii {
            return None;
        }
        self.changed(value, look)
    }

    /// `value` masked, if that changes it; parts that do not change are
    /// copied only when a sibling does.
    fn changed(&self, value: &Value, look: Look) -> Option<Value> {
        match value {
            Value::String(text) => self.masked_text(text, look).map(Value::String),
            Value::Array(items) => {
                // Nothing is copied until an item changes.
                let mut out: Option<Vec<Value>> = None;
                for (i, item) in items.iter().enumerate() {
                    match (self.changed(item, look), &mut out) {
                        (Some(masked), Some(out)) => out.push(masked),
                        (Some(masked), None) => {
                            let mut copy = items[..i].to_vec();
                            copy.push(masked);
                            out = Some(copy);
                        }
                        (None, Some(out)) => out.push(item.clone()),
                        (None, None) => {}
                    }
                }
                out.map(Value::Array)
            }
            Value::Object(fields) => {
                let mut out: Option<Map<String, Value>> = None;
                for (i, (key, field)) in fields.iter().enumerate() {
                    let secret =
                        is_secret_field(key) && !matches!(field, Value::Null | Value::Bool(_));
                    let masked = if secret {
                        (field.as_str() != Some(MASK)).then(|| Value::String(MASK.into()))
                    } else {
                        self.changed(field, look)
                    };
                    match (masked, &mut out) {
                        (Some(masked), Some(out)) => {
                            out.insert(key.clone(), masked);
                        }
                        (Some(masked), None) => {
                            let mut copy: Map<String, Value> = fields
                                .iter()
                                .take(i)
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect();
                            copy.insert(key.clone(), masked);
                            out = Some(copy);
                        }
                        (None, Some(out)) => {
                            out.insert(key.clone(), field.clone());
                        }
                        (None, None) => {}
                    }
                }
                out.map(Value::Object)
            }
            _ => None,
        }
    }

    /// `text` masked, if that changes it.
    fn masked_text(&self, text: &str, look: Look) -> Option<String> {
        let mut out = None;
        if look.secrets {
            let masked = self.secrets(text);
            if masked != text {
                out = Some(masked);
            }
        }
        if look.pii {
            let base = out.as_deref().unwrap_or(text);
            if may_hold_pii(base) {
                let masked = mask_pii(base.to_string());
                if masked != base {
                    out = Some(masked);
                }
            }
        }
        out
    }
}

/// Which masking the strings of a value may need.
#[derive(Clone, Copy)]
struct Look {
    /// Known secrets or secret shapes (and secret-named fields).
    secrets: bool,
    /// Emails or phone numbers, when those are masked.
    pii: bool,
}

impl Redactor {
    /// Whether `value` may hold a secret (a secret-named field, a known
    /// secret or a secret shape in any of its strings), and whether (when
    /// masked) it may hold an email or a phone number.
    fn look_for(&self, value: &Value) -> Look {
        let mut joined = String::new();
        if collect_strings(value, &mut joined) {
            return Look {
                secrets: true,
                pii: self.pii,
            };
        }
        Look {
            secrets: self.known.iter().any(|k| joined.contains(k.as_str()))
                || SHAPE_SET.is_match(&joined),
            pii: self.pii && may_hold_pii(&joined),
        }
    }
}

/// Appends every string of `value` to `joined`, one per line; true when a
/// field with a secret's name holds a value.
fn collect_strings(value: &Value, joined: &mut String) -> bool {
    match value {
        Value::String(text) => {
            joined.push_str(text);
            joined.push('\n');
            false
        }
        Value::Array(items) => items.iter().any(|v| collect_strings(v, joined)),
        Value::Object(fields) => fields.iter().any(|(key, field)| {
            (is_secret_field(key) && !matches!(field, Value::Null | Value::Bool(_)))
                || collect_strings(field, joined)
        }),
        _ => false,
    }
}

/// Whether `text` may hold an email (it needs an '@') or a phone number
/// (8 digits at least, see [`is_phone`]): cheaper to ask than the patterns.
fn may_hold_pii(text: &str) -> bool {
    text.contains('@') || text.bytes().filter(u8::is_ascii_digit).count() >= 8
}

fn mask_pii(mut out: String) -> String {
    if !may_hold_pii(&out) {
        return out;
    }
    if let std::borrow::Cow::Owned(changed) = EMAIL.replace_all(&out, "[email]") {
        out = changed;
    }
    if let std::borrow::Cow::Owned(changed) = PHONE.replace_all(&out, |found: &regex::Captures| {
        let candidate = &found[0];
        if is_phone(candidate) {
            "[phone]".to_string()
        } else {
            candidate.to_string()
        }
    }) {
        out = changed;
    }
    out
}

/// 8 to 15 digits, not a date, and either international (`+…`) or written
/// with separators the way phone numbers are.
fn is_phone(candidate: &str) -> bool {
    let digits = candidate.chars().filter(char::is_ascii_digit).count();
    let dotted = candidate.split('.').count() == 4
        && candidate
            .split('.')
            .all(|part| (1..=3).contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit()));
    if !(8..=15).contains(&digits) || DATE_LIKE.is_match(candidate.trim()) || dotted {
        return false;
    }
    candidate.starts_with('+')
        || candidate.starts_with('(')
        || candidate
            .chars()
            .filter(|c| matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .count()
            >= 2
}

#[cfg(test)]
mod tests;
