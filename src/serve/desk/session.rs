//! Signed-in sessions of the desk. Signing in with an API token gives a
//! random session id in a cookie (HttpOnly, SameSite=Strict) and a CSRF
//! token that every form of the session carries back. Sessions live in
//! memory only: a restart signs everyone out.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};

use crate::serve::users::User;

pub const COOKIE: &str = "vetter_session";

/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 60 * 60);

/// Sessions kept at most; signing in beyond it drops the idlest.
const MAX_SESSIONS: usize = 10_000;

#[derive(Clone)]
pub struct Session {
    pub user: User,
    /// Every form of the session carries it back.
    pub csrf: String,
    last_seen: Instant,
}

#[derive(Default)]
pub struct Sessions {
    /// By the SHA-256 of the session id: the ids themselves are kept
    /// nowhere but in the browser.
    live: Mutex<HashMap<String, Session>>,
}

fn key(id: &str) -> String {
    crate::lists::identity::sha256_hex(id.as_bytes())
}

impl Sessions {
    /// Start a session for `user`; returns its id (for the cookie).
    pub fn start(&self, user: &User) -> crate::error::Result<String> {
        let id = crate::serve::users::secret()?;
        let session = Session {
            user: user.clone(),
            csrf: crate::serve::users::secret()?,
            last_seen: Instant::now(),
        };
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, s| s.last_seen.elapsed() < IDLE);
        if live.len() >= MAX_SESSIONS {
            if let Some(idlest) = live
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone())
            {
                live.remove(&idlest);
            }
        }
        live.insert(key(&id), session);
        Ok(id)
    }

    /// The live session a request's cookie names.
    pub fn find(&self, headers: &HeaderMap) -> Option<Session> {
        let id = cookie(headers, COOKIE)?;
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let k = key(id);
        let session = live.get_mut(&k)?;
        if session.last_seen.elapsed() >= IDLE {
            live.remove(&k);
            return None;
        }
        session.last_seen = Instant::now();
        Some(session.clone())
    }

    pub fn end(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers, COOKIE) {
            let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
            live.remove(&key(id));
        }
    }
}

/// The value of cookie `name` in a request.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The Set-Cookie value that holds session `id` (or, with `None`, ends it).
pub fn set_cookie(id: Option<&str>) -> String {
    match id {
        Some(id) => format!(
            "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            IDLE.as_secs()
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    }
}

/// Whether a form's CSRF token is the session's (compared in constant
/// time).
pub fn csrf_matches(session: &Session, given: &str) -> bool {
    let (a, b) = (session.csrf.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
