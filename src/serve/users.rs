//! The server's users: a name, a role and the argon2 hash of an API token
//! (the token itself is shown once, when made, and kept nowhere).
//!
//! ```toml
//! [[user]]
//! name = "r.viewer"
//! role = "officer"          # officer, auditor or admin
//! token_hash = "$argon2id$v=19$..."
//! created = "2026-12-07T10:00:00Z"
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Screens, disposes of hits, reads the log.
    Officer,
    /// Reads and verifies the log and the lists; never screens or decides.
    Auditor,
    /// An officer who may also manage the server.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "auditor" => Some(Role::Auditor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether the role may screen and dispose of hits.
    pub fn decides(self) -> bool {
        matches!(self, Role::Officer | Role::Admin)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub token_hash: String,
    pub created: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(default, rename = "user")]
    users: Vec<User>,
}

/// The users file, read once; tokens that verified are remembered (by a
/// SHA-256 of the token, in memory only) so that argon2's deliberate cost
/// is paid once per token, not per request.
pub struct Users {
    users: Vec<User>,
    verified: Mutex<HashMap<String, usize>>,
}

const TOKEN_PREFIX: &str = "vt_";

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| Error::Usage(format!("the system gave no random bytes: {e}")))?;
    Ok(b)
}

/// 32 random bytes, hex: a secret no one can guess.
pub(super) fn secret() -> Result<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// A new token: a secret, with a prefix that says what it is.
fn new_token() -> Result<String> {
    Ok(format!("{TOKEN_PREFIX}{}", secret()?))
}

fn hash_token(token: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| Error::Usage(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(token.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Usage(format!("hashing the token: {e}")))
}

impl Users {
    /// Read the users file; none yet when it does not exist.
    pub fn load(path: &Path) -> Result<Users> {
        let file: UsersFile = if path.exists() {
            let text = crate::input::read_text(path, crate::input::EVIDENCE_FILE)?;
            toml::from_str(&text)
                .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.message())))?
        } else {
            UsersFile::default()
        };
        for u in &file.users {
            PasswordHash::new(&u.token_hash).map_err(|e| {
                Error::Usage(format!(
                    "{}: user `{}`: the token hash is not an argon2 hash: {e}",
                    path.display(),
                    u.name
                ))
            })?;
        }
        Ok(Users {
            users: file.users,
            verified: Mutex::new(HashMap::new()),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The user a token belongs to, if any.
    pub fn authenticate(&self, token: &str) -> Option<&User> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
            return None;
        }
        let key = crate::lists::identity::sha256_hex(token.as_bytes());
        if let Some(&i) = self.verified.lock().ok()?.get(&key) {
            return self.users.get(i);
        }
        let i = self.users.iter().position(|u| {
            PasswordHash::new(&u.token_hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(token.as_bytes(), &h)
                    .is_ok()
            })
        })?;
        self.verified.lock().ok()?.insert(key, i);
        self.users.get(i)
    }
}

/// Add a user to the users file at `path` and return their token, which
/// is stored nowhere. The file is rewritten beside and renamed into place.
pub fn add(path: &Path, name: &str, role: Role) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(Error::Usage(
            "a user name needs letters, and no control characters".to_owned(),
        ));
    }
    let mut file: UsersFile = if path.exists() {
        let text = crate::input::read_text(path, crate::input::EVIDENCE_FILE)?;
        toml::from_str(&text)
            .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.message())))?
    } else {
        UsersFile::default()
    };
    if file.users.iter().any(|u| u.name == name) {
        return Err(Error::Usage(format!("user `{name}` exists already")));
    }
    let token = new_token()?;
    file.users.push(User {
        name: name.to_owned(),
        role,
        token_hash: hash_token(&token)?,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    let text = toml::to_string(&file).map_err(|e| Error::Usage(e.to_string()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::files::replace(path, &[text.as_bytes()])?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_authenticates_its_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.toml");
        let officer = add(&path, "r.viewer", Role::Officer).unwrap();
        let auditor = add(&path, "a.udit", Role::Auditor).unwrap();
        assert!(add(&path, "r.viewer", Role::Admin).is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&officer) && text.contains("$argon2"));
        let users = Users::load(&path).unwrap();
        assert_eq!(users.authenticate(&officer).unwrap().name, "r.viewer");
        // Again, from memory.
        assert_eq!(users.authenticate(&officer).unwrap().role, Role::Officer);
        assert_eq!(users.authenticate(&auditor).unwrap().role, Role::Auditor);
        assert!(users.authenticate("vt_0000").is_none());
        assert!(users.authenticate(&officer[..officer.len() - 1]).is_none());
    }
}
