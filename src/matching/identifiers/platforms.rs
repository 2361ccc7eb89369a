//! Hosting platforms whose tenants share one domain (lists/platforms.toml,
//! compiled in): on them a listing names one tenant, never the platform
//! or its other tenants.

use std::sync::OnceLock;

use serde::Deserialize;

/// How a platform addresses its tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tenants {
    /// `NAME.platform.example`: each tenant is a host.
    Subdomains,
    /// `platform.example/NAME`: each tenant is a page.
    Pages,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub domain: String,
    pub tenants: Tenants,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    platform: Vec<Platform>,
}

/// The platforms file as shipped.
pub const SOURCE: &str = include_str!("../../../lists/platforms.toml");

pub fn all() -> &'static [Platform] {
    static PLATFORMS: OnceLock<Vec<Platform>> = OnceLock::new();
    PLATFORMS.get_or_init(|| {
        // The file is part of the build; a test parses it, so this cannot
        // fail in a shipped binary.
        toml::from_str::<File>(SOURCE)
            .map(|f| f.platform)
            .unwrap_or_default()
    })
}

/// The platform `host` is on (or is), if any.
pub fn of(host: &str) -> Option<&'static Platform> {
    all().iter().find(|p| {
        host == p.domain
            || host
                .strip_suffix(p.domain.as_str())
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_and_every_entry_has_a_source() {
        let file: File = toml::from_str(SOURCE).expect("lists/platforms.toml parses");
        assert!(file.platform.len() >= 20);
        for p in &file.platform {
            assert!(!p.source.trim().is_empty(), "{} has no source", p.domain);
            assert_eq!(p.domain, p.domain.to_ascii_lowercase());
        }
        assert_eq!(
            of("dafos1990.business.site").map(|p| p.tenants),
            Some(Tenants::Subdomains)
        );
        assert_eq!(of("facebook.com").map(|p| p.tenants), Some(Tenants::Pages));
        assert!(of("notbusiness.site").is_none());
    }
}
