//! Encryption at rest in the store (`crypt`): the secrets of what is stored
//! are sealed as they are written and opened as they are read, here and
//! nowhere else, so every caller sees plain values and none can forget.
//!
//! Sealed: a workflow's plan, instruction and placeholder values (what it
//! needs to run), a conversation's waiting draft (which becomes one), and a
//! waiting run's resume state (unmasked step outputs). Not sealed, because
//! only masked text lands there: histories, run and step outputs and errors,
//! approvals, notices. Names stay plain so they can be looked up.
//!
//! The key is the process's, set once when the store is opened with it
//! (`Store::open_with_key`) after the database's check value proved it right:
//! store functions take connections, so that they compose into one
//! transaction, and a key passed beside every connection would run through
//! every surface for something that never differs within one process.

use std::sync::OnceLock;

use super::StoreError;
use crate::crypt::{self, Cipher, Key, OpenError};

pub use crate::crypt::secrets::Whole;

static CIPHER: OnceLock<Cipher> = OnceLock::new();

/// Makes `key` the process's key. A second, different key is refused: one
/// process, one key.
pub(super) fn use_key(key: &Key) -> Result<&'static Cipher, StoreError> {
    let cipher = CIPHER.get_or_init(|| Cipher::new(key));
    if cipher.uses(key) {
        Ok(cipher)
    } else {
        Err(StoreError::Data(
            "this process already uses another encryption key".into(),
        ))
    }
}

fn cipher() -> Option<&'static Cipher> {
    CIPHER.get()
}

/// Prose (an instruction) as stored: its secrets sealed when there is a key.
pub fn text(plain: &str) -> String {
    match cipher() {
        Some(cipher) => crypt::secrets::seal_text(cipher, plain),
        None => plain.to_owned(),
    }
}

/// JSON as stored: its secrets sealed when there is a key.
pub fn json(plain: &str, whole: Whole) -> String {
    match cipher() {
        Some(cipher) => crypt::secrets::seal_json(cipher, plain, whole),
        None => plain.to_owned(),
    }
}

/// A value that is a secret all through (a run's resume state), sealed
/// whole when there is a key.
pub fn whole(plain: String) -> String {
    match cipher() {
        Some(cipher) => cipher.seal(&plain),
        None => plain,
    }
}

/// A stored value with its sealed parts opened. A sealed value with no key
/// or the wrong one is an error, never ciphertext passed on as data.
pub fn open(stored: String, what: &'static str) -> Result<String, StoreError> {
    if !crypt::is_sealed(&stored) {
        return Ok(stored);
    }
    match crypt::open(cipher(), &stored) {
        Ok(plain) => Ok(plain.into_owned()),
        Err(error) => Err(StoreError::Data(format!(
            "reading {what}: {}",
            refusal(&error)
        ))),
    }
}

/// What to do about a value that does not open.
pub(super) fn refusal(error: &OpenError) -> String {
    match error {
        OpenError::NoKey => "the database holds values encrypted with a key; set STEWARD_ENCRYPTION_KEY to that key".into(),
        OpenError::WrongKey => "STEWARD_ENCRYPTION_KEY does not open the values encrypted in the database; set it to the key they were encrypted with".into(),
    }
}

/// `open` for a column that may be NULL.
pub fn open_opt(stored: Option<String>, what: &'static str) -> Result<Option<String>, StoreError> {
    stored.map(|s| open(s, what)).transpose()
}
