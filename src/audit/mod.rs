//! The verdict log: tamper-evident (hash chain, optional HMAC), crash-safe
//! appends, verification and replay. Format: docs/verdict-log.md.

pub mod append;
pub mod key;
pub mod record;
