//! Downloading list files: HTTPS with timeouts, retries with backoff and
//! the standard proxy variables, written to a file as it arrives.
//!
//! A download that fails for a reason that may pass (a dropped or stalled
//! connection, a body cut short, 5xx, 429) is retried; one the publisher
//! refused (404 and other 4xx) is not. Whatever arrives is only a
//! candidate: the store installs nothing it has not verified.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};

/// How a fetch behaves; each field is a command-line option.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Give up on a connection that sends nothing for this long.
    pub timeout: Duration,
    /// Attempts after the first, for failures that may pass.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// One file as downloaded.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub url: String,
    /// The server's `Last-Modified` header, as sent.
    pub last_modified: Option<String>,
}

pub struct Fetcher {
    agent: ureq::Agent,
    options: FetchOptions,
}

/// Why one attempt failed, and whether another may succeed.
struct Failure {
    message: String,
    transient: bool,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Fetcher {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(options.timeout)
            .timeout_read(options.timeout)
            .timeout_write(options.timeout)
            .try_proxy_from_env(true)
            .user_agent(concat!("vetter/", env!("CARGO_PKG_VERSION")))
            .build();
        Fetcher { agent, options }
    }

    /// Download `url` into `dest` (at most `limit` bytes), retrying
    /// failures that may pass. `progress` hears the bytes as they come.
    pub fn download(
        &self,
        url: &str,
        dest: &Path,
        limit: u64,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Downloaded> {
        let mut wait = self.options.backoff;
        let mut attempt = 0;
        loop {
            match self.attempt(url, dest, limit, progress) {
                Ok(d) => return Ok(d),
                Err(f) if f.transient && attempt < self.options.retries => {
                    eprintln!(
                        "warning: {url}: {} (attempt {} of {}); retrying in {:.1} s",
                        f.message,
                        attempt + 1,
                        self.options.retries + 1,
                        wait.as_secs_f64()
                    );
                    std::thread::sleep(wait);
                    wait *= 2;
                    attempt += 1;
                }
                Err(f) => {
                    let tries = if attempt > 0 {
                        format!(" (after {} attempts)", attempt + 1)
                    } else {
                        String::new()
                    };
                    return Err(Error::Usage(format!("{url}: {}{tries}", f.message)));
                }
            }
        }
    }

    fn attempt(
        &self,
        url: &str,
        dest: &Path,
        limit: u64,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> std::result::Result<Downloaded, Failure> {
        let response = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(code, r)) => {
                return Err(Failure {
                    message: format!("the server answered {code} {}", r.status_text()),
                    transient: code >= 500 || code == 429 || code == 408,
                })
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(Failure {
                    message: format!("could not download: {t}"),
                    transient: true,
                })
            }
        };
        let last_modified = response.header("Last-Modified").map(str::to_owned);
        let expected: Option<u64> = response
            .header("Content-Length")
            .and_then(|v| v.trim().parse().ok());
        if expected.is_some_and(|n| n > limit) {
            return Err(Failure {
                message: format!("the file is larger than the {limit}-byte limit"),
                transient: false,
            });
        }
        let local = |e: std::io::Error| Failure {
            message: format!("{}: {e}", dest.display()),
            transient: false,
        };
        let mut file = std::fs::File::create(dest).map_err(local)?;
        let mut reader = response.into_reader().take(limit + 1);
        let mut buf = vec![0u8; 64 * 1024];
        let mut got: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    return Err(Failure {
                        message: format!("the download broke off after {got} bytes: {e}"),
                        transient: true,
                    })
                }
            };
            got += n as u64;
            if got > limit {
                return Err(Failure {
                    message: format!("the file is larger than the {limit}-byte limit"),
                    transient: false,
                });
            }
            file.write_all(&buf[..n]).map_err(local)?;
            progress(got, expected);
        }
        if let Some(n) = expected.filter(|n| *n != got) {
            return Err(Failure {
                message: format!("the body ended after {got} of the {n} bytes announced"),
                transient: true,
            });
        }
        file.sync_all().map_err(local)?;
        Ok(Downloaded {
            url: url.to_owned(),
            last_modified,
        })
    }
}

/// The date a `Last-Modified` header states, if it is a valid HTTP date.
pub fn header_date(value: &str) -> Option<chrono::NaiveDate> {
    let t = httpdate::parse_http_date(value.trim()).ok()?;
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, 0).map(|d| d.date_naive())
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_read_as_their_utc_day() {
        assert_eq!(
            super::header_date("Tue, 29 Jun 2021 08:25:30 GMT"),
            chrono::NaiveDate::from_ymd_opt(2021, 6, 29)
        );
        assert_eq!(super::header_date("yesterday"), None);
    }
}
