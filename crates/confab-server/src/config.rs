//! Configuration: defaults < TOML file (`--config` / `CONFAB_CONFIG`) < `CONFAB_*` environment
//! < command-line flags, validated into typed values.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use confab_core::ip_range::IpRange;
use confab_core::throttle::ThrottlePolicy;
use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

use crate::cli::{Cli, Command};

/// Keys the environment may set (`CONFAB_LISTEN`, …); other `CONFAB_*` variables belong to tools.
const ENV_KEYS: [&str; 7] = [
    "listen",
    "data_dir",
    "database_url",
    "admin_password",
    "log_format",
    "trusted_proxies",
    "trusted_domains",
];

// Every setting is text: `text` also takes a TOML number or boolean (`admin_password = 123456`)
// as the text it was written as.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Address the HTTP server listens on.
    #[serde(deserialize_with = "text")]
    listen: String,
    /// Directory of the embedded SQLite database.
    #[serde(deserialize_with = "text")]
    data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; empty for SQLite in `data_dir`.
    #[serde(deserialize_with = "text")]
    database_url: String,
    /// Creates the account `admin` with this password at start when it does not exist.
    #[serde(deserialize_with = "text")]
    admin_password: String,
    /// `text` or `json` log lines.
    #[serde(deserialize_with = "text")]
    log_format: String,
    /// Reverse proxies whose `X-Forwarded-For` names the caller: addresses or CIDR ranges,
    /// separated by commas or spaces. Empty: the connecting address is the caller's.
    #[serde(deserialize_with = "text")]
    trusted_proxies: String,
    /// The names (`host` or `host:port`) this server is reached under, separated by commas or
    /// spaces; shared links must point to one of them. Empty: the name each request used.
    #[serde(deserialize_with = "text")]
    trusted_domains: String,
}

/// A text setting that may have been written as a number or a boolean.
fn text<'de, D: Deserializer<'de>, T: From<String>>(deserializer: D) -> Result<T, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    deserializer.deserialize_any(Text).map(T::from)
}

/// The `CONFAB_*` variables, taken verbatim. figment's `Env` provider would parse them, so a
/// password such as `123456` or `true` would arrive as a number or a boolean and `0123` would
/// lose its leading zero.
fn env_layer() -> Vec<(&'static str, String)> {
    ENV_KEYS
        .iter()
        .filter_map(|key| {
            let name = format!("CONFAB_{}", key.to_ascii_uppercase());
            std::env::var(name).ok().map(|value| (*key, value))
        })
        .collect()
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: "./data".into(),
            database_url: String::new(),
            admin_password: String::new(),
            log_format: "text".into(),
            trusted_proxies: String::new(),
            trusted_domains: String::new(),
        }
    }
}

/// The validated configuration.
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<SecretString>,
    pub admin_password: Option<SecretString>,
    pub log_format: String,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<IpRange>,
    /// The names this server is reached under (empty: whatever a request names).
    pub trusted_domains: Vec<String>,
    /// Brute-force protection of logins and room passwords. Upstream's values; embedders and
    /// tests may choose others (not settable from file or environment).
    pub brute_force: ThrottlePolicy,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self
                    .database_url
                    .as_ref()
                    .map(|u| redact_url(u.expose_secret())),
            )
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "[redacted]"),
            )
            .field("log_format", &self.log_format)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("trusted_domains", &self.trusted_domains)
            .field("brute_force", &self.brute_force)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Loads the layers for `cli` and validates them.
    pub fn load(cli: &Cli) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
        if let Some(file) = &cli.config {
            figment = figment.merge(Toml::file_exact(file));
        }
        for (key, value) in env_layer() {
            figment = figment.merge(Serialized::default(key, value));
        }
        if let Some(dir) = &cli.data_dir {
            figment = figment.merge(("data_dir", dir));
        }
        if let Some(url) = &cli.database_url {
            figment = figment.merge(("database_url", url));
        }
        if let Command::Serve(args) = &cli.command {
            if let Some(listen) = &args.listen {
                figment = figment.merge(("listen", listen));
            }
        }
        let raw: RawConfig = figment.extract().context("reading the configuration")?;
        Self::validate(raw)
    }

    fn validate(raw: RawConfig) -> anyhow::Result<Self> {
        let listen = raw
            .listen
            .parse()
            .with_context(|| format!("listen address {:?} is not host:port", raw.listen))?;
        let database_url = match raw.database_url.trim() {
            "" => None,
            url if url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:") =>
            {
                Some(SecretString::from(url.to_owned()))
            }
            url => anyhow::bail!(
                "database URL {} is neither postgres:// nor sqlite:",
                redact_url(url)
            ),
        };
        if !matches!(raw.log_format.as_str(), "text" | "json") {
            anyhow::bail!("log_format must be text or json, not {:?}", raw.log_format);
        }
        let trusted_proxies = raw
            .trusted_proxies
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpRange::parse(entry).with_context(|| {
                    format!("trusted proxy {entry:?} is not an address or a CIDR range")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let trusted_domains = raw
            .trusted_domains
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        Ok(Self {
            listen,
            data_dir: raw.data_dir,
            database_url,
            admin_password: (!raw.admin_password.is_empty())
                .then(|| SecretString::from(raw.admin_password)),
            log_format: raw.log_format,
            trusted_proxies,
            trusted_domains,
            brute_force: ThrottlePolicy::default(),
        })
    }

    /// A configuration for tests and embedding: SQLite in `data_dir`, listening on `listen`.
    pub fn embedded(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            listen,
            data_dir,
            database_url: None,
            admin_password: None,
            log_format: "text".into(),
            trusted_proxies: Vec::new(),
            trusted_domains: Vec::new(),
            brute_force: ThrottlePolicy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn toml_numbers_and_booleans_are_taken_as_text() {
        let raw: RawConfig = Figment::from(Serialized::defaults(RawConfig::default()))
            .merge(Toml::string("admin_password = 123456\ndatabase_url = true"))
            .extract()
            .unwrap();
        assert_eq!(raw.admin_password, "123456");
        assert_eq!(raw.database_url, "true");
    }

    #[test]
    fn invalid_values_are_rejected() {
        let bad_listen = RawConfig {
            listen: "nope".into(),
            ..RawConfig::default()
        };
        assert!(Config::validate(bad_listen).is_err());
        let bad_url = RawConfig {
            database_url: "mysql://x".into(),
            ..RawConfig::default()
        };
        assert!(Config::validate(bad_url).is_err());
        assert!(Config::validate(RawConfig::default()).is_ok());
        let bad_proxy = RawConfig {
            trusted_proxies: "10.0.0.0/8, proxy.example".into(),
            ..RawConfig::default()
        };
        assert!(Config::validate(bad_proxy).is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_and_ranges_separated_by_commas_or_spaces() {
        let raw = RawConfig {
            trusted_proxies: "10.0.0.0/8, 192.0.2.7 2001:db8::/32".into(),
            ..RawConfig::default()
        };
        let proxies = Config::validate(raw).unwrap().trusted_proxies;
        assert_eq!(proxies.len(), 3);
        assert!(proxies[0].contains("10.1.2.3".parse().unwrap()));
        assert!(proxies[2].contains("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn trusted_domains_are_names_separated_by_commas_or_spaces() {
        let raw = RawConfig {
            trusted_domains: "Talk.example, talk.example:8443 ".into(),
            ..RawConfig::default()
        };
        let domains = Config::validate(raw).unwrap().trusted_domains;
        assert_eq!(domains, ["talk.example", "talk.example:8443"]);
    }
}
