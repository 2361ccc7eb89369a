//! Identifier matching: websites and domains, e-mail addresses, digital
//! currency addresses. An identifier hit is strong evidence on its own.
//!
//! Websites are normalised to host (and path) and compared with the Public
//! Suffix List (compiled into the `psl` crate; its version pins the list).

pub mod codes;
pub mod platforms;

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
    /// The customer's site is the listed site (or part of it): an
    /// identity, whatever the names say.
    pub fn is_identity(self) -> bool {
        matches!(
            self,
            SiteRelation::SameHost | SiteRelation::SamePage | SiteRelation::Subdomain
        )
    }

    /// Identity relations score 1; a sibling host or the parent domain is
    /// a possible link, for review (below the strong line).
    pub fn score(self) -> f64 {
        if self.is_identity() {
            1.0
        } else {
            POSSIBLE_SITE
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            SiteRelation::SameHost => "same host",
            SiteRelation::SamePage => "same page on a shared platform",
            SiteRelation::Subdomain => "customer host is a subdomain of the listed host",
            SiteRelation::ParentDomain => "listed host is a subdomain of the customer host",
            SiteRelation::SameRegistrableDomain => {
                "a sibling host under the same registrable domain"
            }
        }
    }
}

/// Score of a possible website link (a sibling host, the parent domain).
pub const POSSIBLE_SITE: f64 = 0.75;

/// Compare a customer's site with a listed one.
pub fn relate(customer: &Site, listed: &Site) -> Option<SiteRelation> {
    let platform = platforms::of(&listed.host);
    let pages = platform.is_some_and(|p| p.tenants == platforms::Tenants::Pages);
    if !listed.path.is_empty() || pages {
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
    // A platform itself is no tenant: its tenants are not linked to it.
    let listed_is_platform = platform.is_some_and(|p| p.domain == listed.host);
    if customer.host.ends_with(&format!(".{}", listed.host)) && !listed_is_platform {
        return Some(SiteRelation::Subdomain);
    }
    // Tenants of one platform are different parties.
    if platform.is_some() || platforms::of(&customer.host).is_some() {
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
    fn tenants_of_a_hosting_platform_are_different_parties() {
        let listed = site("dafos1990.business.site");
        assert_eq!(
            relate(&site("https://dafos1990.business.site/contact"), &listed),
            Some(SiteRelation::SameHost)
        );
        assert_eq!(relate(&site("kebab-house.business.site"), &listed), None);
        assert_eq!(relate(&site("business.site"), &listed), None);
        assert_eq!(
            relate(&site("shop.dafos1990.business.site"), &listed),
            Some(SiteRelation::Subdomain)
        );
        // A listed platform root matches no tenant.
        assert_eq!(
            relate(&site("x.business.site"), &site("business.site")),
            None
        );
        // Siblings under an ordinary domain are a possible link, for review.
        let rel = relate(&site("flot.gazprom.ru"), &site("inform.gazprom.ru")).unwrap();
        assert!(!rel.is_identity() && rel.score() < 0.9, "{rel:?}");
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
