//! The key: 32 random bytes, written as base64 or as hex.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

/// An encryption key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([hidden])")
    }
}

/// Why a key does not read; never repeats the key.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("it is empty")]
    Empty,
    #[error("it reads as neither base64 nor hex")]
    Unreadable,
    #[error("it decodes to {0} bytes, not 32")]
    Length(usize),
}

/// How to write a key, for error messages.
pub const KEY_FORM: &str =
    "32 random bytes as base64 (44 characters, e.g. from `openssl rand -base64 32`) or as 64 hex digits";

impl Key {
    /// Reads 64 hex digits, or base64 (standard or URL-safe, with or
    /// without padding) of 32 bytes.
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyError::Empty);
        }
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| KeyError::Unreadable)?
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .ok_or(KeyError::Unreadable)?
        };
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Length(bytes.len()))?;
        Ok(Key(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_hex_keys_read() {
        let bytes: [u8; 32] = std::array::from_fn(|i| i as u8 * 7);
        let key = Key::from_bytes(bytes);
        for written in [
            STANDARD.encode(bytes),
            URL_SAFE_NO_PAD.encode(bytes),
            hex::encode(bytes),
            format!("  {}\n", STANDARD.encode(bytes)),
        ] {
            assert_eq!(Key::parse(&written), Ok(key.clone()), "{written}");
        }
    }

    #[test]
    fn malformed_keys_say_why_without_repeating_the_key() {
        assert_eq!(Key::parse(""), Err(KeyError::Empty));
        assert_eq!(Key::parse("not a key!"), Err(KeyError::Unreadable));
        assert_eq!(
            Key::parse(&STANDARD.encode([1u8; 16])),
            Err(KeyError::Length(16))
        );
        assert_eq!(format!("{:?}", Key::from_bytes([9; 32])), "Key([hidden])");
    }
}
