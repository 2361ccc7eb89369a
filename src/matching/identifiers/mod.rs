//! Identifier matching: websites and domains, e-mail addresses, digital
//! currency addresses. An identifier hit is strong evidence on its own.
//!
//! Websites are normalised to host (and path) and compared with the Public
//! Suffix List (compiled into the `psl` crate; its version pins the list).

use serde::Serialize;

/// A website as a host and an optional path, lower-cased, without scheme,
/// port, query, fragment or a leading `www.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Site {
    pub host: String,
    /// Path without trailing `/`, e.g. `/hamas.page`; empty for a whole site.
    pub path: String,
}

impl Site {
    pub fn display(&self) -> String {
        format!("{}{}", self.host, self.path)
    }

    /// The registrable domain (`news.example.co.uk` → `example.co.uk`).
    pub fn registrable(&self) -> Option<String> {
        psl::domain_str(&self.host).map(str::to_owned)
    }
}

/// Hosts where many unrelated parties publish under one domain by path:
/// a listing there names one page, never the platform.
pub const SHARED_PLATFORMS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "twitter.com",
    "x.com",
    "t.me",
    "telegram.me",
    "youtube.com",
    "youtu.be",
    "instagram.com",
    "tiktok.com",
    "vk.com",
    "ok.ru",
    "linkedin.com",
    "github.com",
    "gitlab.com",
    "medium.com",
    "reddit.com",
    "pinterest.com",
    "tumblr.com",
    "archive.org",
    "web.archive.org",
    "wordpress.com",
    "blogger.com",
    "sites.google.com",
    "docs.google.com",
    "drive.google.com",
    "dropbox.com",
    "mega.nz",
    "rumble.com",
    "odysee.com",
    "bitchute.com",
    "gab.com",
    "truthsocial.com",
    "patreon.com",
    "substack.com",
    "discord.gg",
    "discord.com",
    "whatsapp.com",
    "wa.me",
    "threads.net",
    "soundcloud.com",
    "twitch.tv",
    "justpaste.it",
    "pastebin.com",
    "archive.ph",
    "archive.today",
    "linktr.ee",
];

/// Parse a URL, host or `host/path` as written in lists and evidence.
pub fn parse_site(input: &str) -> Option<Site> {
    let mut s = input
        .trim()
        .trim_end_matches(['.', ',', ';'])
        .to_ascii_lowercase();
    if let Some(i) = s.find("://") {
        s = s[i + 3..].to_owned();
    }
    let (authority, rest) = match s.find(['/', '?', '#']) {
        Some(i) => (s[..i].to_owned(), s[i..].to_owned()),
        None => (s.clone(), String::new()),
    };
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    if host.is_empty() || !host.contains('.') || host.contains(char::is_whitespace) {
        return None;
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return None;
    }
    let path = rest
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    Some(Site {
        host: host.to_owned(),
        path,
    })
}

fn is_shared_platform(host: &str) -> bool {
    SHARED_PLATFORMS
        .iter()
        .any(|p| host == *p || host.ends_with(&format!(".{p}")))
}

/// How a customer's site relates to a listed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteRelation {
    /// Same host (and, for a page listing, the same page or below it).
    SameHost,
    SamePage,
    /// The customer's host is a subdomain of the listed host.
    Subdomain,
    /// The listed host is a subdomain of the customer's host.
    ParentDomain,
    /// Different hosts under one registrable domain.
    SameRegistrableDomain,
}

impl SiteRelation {
    pub fn score(self) -> f64 {
        match self {
            SiteRelation::SameHost | SiteRelation::SamePage | SiteRelation::Subdomain => 1.0,
            SiteRelation::ParentDomain | SiteRelation::SameRegistrableDomain => 0.9,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            SiteRelation::SameHost => "same host",
            SiteRelation::SamePage => "same page on a shared platform",
            SiteRelation::Subdomain => "customer host is a subdomain of the listed host",
            SiteRelation::ParentDomain => "listed host is a subdomain of the customer host",
            SiteRelation::SameRegistrableDomain => "same registrable domain",
        }
    }
}

/// Compare a customer's site with a listed one.
pub fn relate(customer: &Site, listed: &Site) -> Option<SiteRelation> {
    let shared = is_shared_platform(&listed.host);
    if !listed.path.is_empty() || shared {
        // A page on a shared platform: only that page (or below it) matches.
        if customer.host != listed.host || listed.path.is_empty() {
            return None;
        }
        let below =
            customer.path == listed.path || customer.path.starts_with(&format!("{}/", listed.path));
        return below.then_some(SiteRelation::SamePage);
    }
    if customer.host == listed.host {
        return Some(SiteRelation::SameHost);
    }
    if customer.host.ends_with(&format!(".{}", listed.host)) {
        return Some(SiteRelation::Subdomain);
    }
    if is_shared_platform(&customer.host) {
        return None;
    }
    let reg = listed.registrable()?;
    if customer.registrable().as_deref() != Some(reg.as_str()) {
        return None;
    }
    if listed.host.ends_with(&format!(".{}", customer.host)) {
        Some(SiteRelation::ParentDomain)
    } else {
        Some(SiteRelation::SameRegistrableDomain)
    }
}

/// E-mail addresses compare case-insensitively, whole.
pub fn normalize_email(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_start_matches("mailto:")
        .trim_end_matches(['.', ',', ';']);
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || !domain.contains('.') || s.contains(char::is_whitespace) {
        return None;
    }
    Some(format!(
        "{}@{}",
        local.to_lowercase(),
        domain.to_ascii_lowercase()
    ))
}

/// Digital-currency addresses: hex (`0x…`) and bech32 (`bc1…`) forms are
/// case-insensitive and are lower-cased; base58 and others are kept as
/// written, since their case is significant.
pub fn normalize_crypto(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let case_insensitive = lower.starts_with("0x")
        || ["bc1", "tb1", "ltc1", "bcrt1"]
            .iter()
            .any(|p| lower.starts_with(p));
    Some(if case_insensitive {
        lower
    } else {
        s.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(s: &str) -> Site {
        parse_site(s).unwrap()
    }

    #[test]
    fn parses_urls_and_hosts() {
        assert_eq!(
            site("https://WWW.Example.org:8080/a/b/?q=1#x"),
            Site {
                host: "example.org".into(),
                path: "/a/b".into()
            }
        );
        assert_eq!(site("www.aqsatv.ps").host, "aqsatv.ps");
        assert_eq!(
            site("news.example.co.uk").registrable().as_deref(),
            Some("example.co.uk")
        );
        assert!(parse_site("not a site").is_none());
        assert!(parse_site("localhost").is_none());
    }

    #[test]
    fn relations() {
        let listed = site("www.example.org");
        assert_eq!(
            relate(&site("example.org"), &listed),
            Some(SiteRelation::SameHost)
        );
        assert_eq!(
            relate(&site("cdn.example.org"), &listed),
            Some(SiteRelation::Subdomain)
        );
        assert_eq!(relate(&site("example.com"), &listed), None);
        let sub = site("forum.example.org");
        assert_eq!(
            relate(&site("example.org"), &sub),
            Some(SiteRelation::ParentDomain)
        );
        assert_eq!(
            relate(&site("blog.example.org"), &sub),
            Some(SiteRelation::SameRegistrableDomain)
        );
        // Suffixes from the PSL: two co.uk sites are unrelated.
        assert_eq!(relate(&site("a.co.uk"), &site("b.co.uk")), None);
    }

    #[test]
    fn shared_platforms_match_only_the_page() {
        let page = site("https://facebook.com/SomeGroup");
        assert_eq!(
            relate(&site("facebook.com/somegroup/posts/1"), &page),
            Some(SiteRelation::SamePage)
        );
        assert_eq!(relate(&site("facebook.com/othergroup"), &page), None);
        assert_eq!(relate(&site("facebook.com"), &page), None);
        // A customer on a platform never matches by registrable domain.
        assert_eq!(
            relate(&site("m.facebook.com/x"), &site("facebook.com/y")),
            None
        );
        // A listed bare platform host matches nothing but itself with a path.
        assert_eq!(relate(&site("t.me/channel"), &site("t.me")), None);
    }

    #[test]
    fn emails_and_crypto() {
        assert_eq!(
            normalize_email(" Info@AqsaTV.ps ").as_deref(),
            Some("info@aqsatv.ps")
        );
        assert!(normalize_email("nope").is_none());
        assert_eq!(
            normalize_crypto("0x7FF9cFad3877F21d41Da833E2F775dB0569eE3D9").unwrap(),
            "0x7ff9cfad3877f21d41da833e2f775db0569ee3d9"
        );
        assert_eq!(
            normalize_crypto("1Ljk8RNNabkZ9bfDYQBn98XfFozJhTjqcZ").unwrap(),
            "1Ljk8RNNabkZ9bfDYQBn98XfFozJhTjqcZ"
        );
        assert_eq!(normalize_crypto("BC1QXY").unwrap(), "bc1qxy");
    }
}
