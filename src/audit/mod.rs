//! The verdict log: tamper-evident (hash chain, optional HMAC), crash-safe
//! appends, verification and replay. Format: docs/verdict-log.md.

pub mod append;
pub mod archive;
pub mod key;
pub mod record;
pub mod records;
pub mod repair;
pub mod replay;
pub mod verify;
