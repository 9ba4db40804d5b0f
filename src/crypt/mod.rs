//! Encryption at rest (`STEWARD_ENCRYPTION_KEY`): the key, and sealed values
//! written as tokens, `enc:v1:<base64url(nonce ‖ ciphertext ‖ tag)>~`, that
//! sit in place of a secret inside the text that held it.
//!
//! XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`): an AEAD, so a wrong
//! key or a changed byte is refused, never read as garbage; its 192-bit
//! nonces are drawn at random from the OS for each value, with no counter to
//! keep and no practical limit on how many values one key seals. The token's
//! characters are URL- and JSON-safe, so a sealed password can stay inside
//! its URL (`https://admin:enc:v1:…~@host`) and the rest of the text stays
//! readable and queryable. Pure, apart from drawing nonces.

mod key;
pub mod secrets;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

pub use key::{Key, KeyError, KEY_FORM};

/// What starts a sealed value.
pub const TAG: &str = "enc:v1:";

/// What ends one (not a base64url character, so the end is never in doubt).
const END: char = '~';

/// Bound to every sealed value, so a token from elsewhere does not open.
const CONTEXT: &[u8] = b"steward enc:v1";

const NONCE: usize = 24;

static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"enc:v1:([A-Za-z0-9_-]+)~").expect("valid pattern"));

/// A value that could not be opened.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Sealed values, and no key to open them.
    #[error("it holds values encrypted with a key, and no key was given")]
    NoKey,
    /// The key does not open a value (another key, or a changed byte).
    #[error("the key does not open a value encrypted in it")]
    WrongKey,
}

/// Seals and opens values with one key.
#[derive(Clone)]
pub struct Cipher {
    aead: XChaCha20Poly1305,
    key: Key,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher([hidden])")
    }
}

impl Cipher {
    pub fn new(key: &Key) -> Cipher {
        Cipher {
            aead: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key.bytes())),
            key: key.clone(),
        }
    }

    /// Whether this cipher uses `key`.
    pub fn uses(&self, key: &Key) -> bool {
        self.key == *key
    }

    /// `plain` sealed as a token, with a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: CONTEXT,
        };
        // Encryption fails only for messages of 2^38 bytes and more.
        let sealed = self
            .aead
            .encrypt(&nonce, payload)
            .expect("a value within the AEAD's size limit");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{TAG}{}{END}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value sealed in one token's body (what lies between the tag and
    /// the end).
    fn open_body(&self, body: &str) -> Result<String, OpenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::WrongKey)?;
        if bytes.len() < NONCE {
            return Err(OpenError::WrongKey);
        }
        let (nonce, sealed) = bytes.split_at(NONCE);
        let payload = Payload {
            msg: sealed,
            aad: CONTEXT,
        };
        let plain = self
            .aead
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| OpenError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| OpenError::WrongKey)
    }
}

/// Whether `text` holds sealed values.
pub fn is_sealed(text: &str) -> bool {
    text.contains(TAG)
}

/// `text` with every token replaced by the value it seals. Text without
/// tokens is returned as it is, whether or not there is a key.
pub fn open<'t>(cipher: Option<&Cipher>, text: &'t str) -> Result<Cow<'t, str>, OpenError> {
    if !is_sealed(text) {
        return Ok(Cow::Borrowed(text));
    }
    let cipher = cipher.ok_or(OpenError::NoKey)?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in TOKEN.captures_iter(text) {
        let whole = found.get(0).expect("a match");
        out.push_str(&text[last..whole.start()]);
        out.push_str(&cipher.open_body(&found[1])?);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    Ok(Cow::Owned(out))
}

/// `text` with each occurrence of `values` sealed in place, in one pass
/// (longest value first where two start at one place; tokens already there
/// are left as they are).
pub fn seal_values(cipher: &Cipher, text: &str, values: &[String]) -> String {
    let mut values: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        return text.to_string();
    }
    values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    values.dedup();
    let alternatives: Vec<String> = std::iter::once(TOKEN.as_str().to_string())
        .chain(values.iter().map(|v| regex::escape(v)))
        .collect();
    let Ok(any) = Regex::new(&alternatives.join("|")) else {
        // Too many or too long to compile: the whole text, sealed.
        return cipher.seal(text);
    };
    any.replace_all(text, |found: &regex::Captures| {
        let matched = &found[0];
        if found.get(1).is_some() {
            matched.to_string()
        } else {
            cipher.seal(matched)
        }
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(byte: u8) -> Cipher {
        Cipher::new(&Key::from_bytes([byte; 32]))
    }

    #[test]
    fn a_sealed_value_opens_with_its_key_only() {
        let text = seal_values(
            &cipher(1),
            "https://admin:hunter2@status.example.com",
            &["hunter2".into()],
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.starts_with("https://admin:enc:v1:"), "{text}");
        assert!(text.ends_with("~@status.example.com"), "{text}");
        assert_eq!(
            open(Some(&cipher(1)), &text).unwrap(),
            "https://admin:hunter2@status.example.com"
        );
        assert_eq!(open(Some(&cipher(2)), &text), Err(OpenError::WrongKey));
        assert_eq!(open(None, &text), Err(OpenError::NoKey));
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let c = cipher(1);
        assert_ne!(c.seal("hunter2"), c.seal("hunter2"));
    }

    #[test]
    fn a_changed_byte_is_refused() {
        let c = cipher(1);
        let token = c.seal("hunter2");
        let body = &token[TAG.len()..token.len() - 1];
        let flipped = if body.ends_with('A') { 'B' } else { 'A' };
        let changed = format!("{TAG}{}{flipped}~", &body[..body.len() - 1]);
        assert_eq!(open(Some(&c), &changed), Err(OpenError::WrongKey));
    }

    #[test]
    fn values_inside_values_and_existing_tokens_are_sealed_once() {
        let c = cipher(1);
        let once = seal_values(&c, "a=secret-one b=secret", &["secret".into()]);
        let twice = seal_values(
            &c,
            &format!("{once} c=secret-one"),
            &["secret-one".into(), "secret".into()],
        );
        assert_eq!(
            open(Some(&c), &twice).unwrap(),
            "a=secret-one b=secret c=secret-one"
        );
        assert_eq!(twice.matches(TAG).count(), 3, "{twice}");
    }

    #[test]
    fn text_without_tokens_needs_no_key() {
        assert!(matches!(
            open(None, "plain text"),
            Ok(Cow::Borrowed("plain text"))
        ));
    }
}
