//! The configuration file: discovery, accounts, and secrets given as `{ env = "VAR" }`.

use crate::exit::CliError;
use regops_core::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parsed configuration file.
#[derive(Debug)]
pub struct Config {
    /// Where it was read from.
    pub path: PathBuf,
    /// The account used when `--account` is not given.
    pub default_account: Option<String>,
    /// The accounts by name.
    pub accounts: BTreeMap<String, AccountConfig>,
    /// The `[serve]` table (read by `regops serve`).
    pub serve: toml::Table,
    /// The `[[webhooks]]` tables (read by `regops serve`).
    pub webhooks: Vec<toml::Table>,
}

/// One account: its provider and the provider's settings, read by the provider's entry in the
/// registry.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    /// The account's name.
    pub name: String,
    /// `gandi`, `netim`, `route53` or `autodns`.
    pub provider: String,
    /// The most calls per second regops makes to the account (`requests_per_second`, which
    /// every account takes); the provider's documented pace when absent.
    pub requests_per_second: Option<f64>,
    /// How long one call may take in all, retries included (`deadline`, which every account
    /// takes: a duration, or `"off"`); the clients' default (45 s) when absent.
    pub deadline: Option<Option<std::time::Duration>>,
    /// Added to the User-Agent of its calls: `regops serve` names the fleet member there.
    pub user_agent: Option<String>,
    /// The other settings of the account.
    pub settings: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_account: Option<String>,
    #[serde(default)]
    accounts: BTreeMap<String, toml::Table>,
    #[serde(default)]
    serve: toml::Table,
    #[serde(default)]
    webhooks: Vec<toml::Table>,
}

/// Where the configuration is looked for, in order.
pub fn candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(p) = explicit {
        return vec![p.to_path_buf()];
    }
    if let Some(p) = std::env::var_os("REGOPS_CONFIG").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut out = vec![PathBuf::from("regops.toml")];
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(dir) = xdg {
        out.push(dir.join("regops").join("config.toml"));
    }
    out
}

/// Finds and reads the configuration.
pub fn load(explicit: Option<&Path>) -> Result<Config, CliError> {
    let paths = candidates(explicit);
    let named =
        explicit.is_some() || std::env::var_os("REGOPS_CONFIG").is_some_and(|p| !p.is_empty());
    for path in &paths {
        match std::fs::read_to_string(path) {
            Ok(text) => return parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => continue,
            Err(e) => {
                return Err(CliError::usage(format!(
                    "cannot read configuration {}: {e}",
                    path.display()
                )));
            }
        }
    }
    let looked: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    Err(CliError::usage(format!(
        "no configuration found (looked for {}); pass --config FILE or set REGOPS_CONFIG",
        looked.join(", ")
    )))
}

/// Parses a configuration's text.
pub fn parse(path: &Path, text: &str) -> Result<Config, CliError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let mut accounts = BTreeMap::new();
    for (name, mut table) in raw.accounts {
        let provider = match table.remove("provider") {
            Some(toml::Value::String(p)) => p,
            Some(_) => {
                return Err(CliError::usage(format!(
                    "{}: account {name}: `provider` must be a string",
                    path.display()
                )));
            }
            None => {
                return Err(CliError::usage(format!(
                    "{}: account {name}: `provider` is missing (gandi, netim, route53 or autodns)",
                    path.display()
                )));
            }
        };
        let requests_per_second = match table.remove("requests_per_second") {
            None => None,
            Some(v) => match v.as_float().or(v.as_integer().map(|i| i as f64)) {
                Some(r) if r.is_finite() && r > 0.0 => Some(r),
                _ => {
                    return Err(CliError::usage(format!(
                        "{}: account {name}: requests_per_second must be a positive number",
                        path.display()
                    )));
                }
            },
        };
        let deadline = match table.remove("deadline") {
            None => None,
            Some(toml::Value::String(d)) if d == "off" => Some(None),
            Some(toml::Value::String(d)) => {
                Some(Some(regops_core::parse::duration(&d).map_err(|e| {
                    CliError::usage(format!("{}: account {name}: deadline: {e}", path.display()))
                })?))
            }
            Some(_) => {
                return Err(CliError::usage(format!(
                    "{}: account {name}: deadline must be a duration like \"45s\", or \"off\"",
                    path.display()
                )));
            }
        };
        accounts.insert(
            name.clone(),
            AccountConfig {
                name,
                provider,
                requests_per_second,
                deadline,
                user_agent: None,
                settings: table,
            },
        );
    }
    Ok(Config {
        path: path.to_path_buf(),
        default_account: raw.default_account,
        accounts,
        serve: raw.serve,
        webhooks: raw.webhooks,
    })
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> CliError {
    let location = e
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" line {line}, column {col}:")
        })
        .unwrap_or_default();
    CliError::usage(format!(
        "{}:{location} {}",
        path.display(),
        e.message().trim()
    ))
}

impl Config {
    /// The account to use: `--account`, else `default_account`, else the only account.
    pub fn select(&self, wanted: Option<&str>) -> Result<&AccountConfig, CliError> {
        let names = || self.accounts.keys().cloned().collect::<Vec<_>>().join(", ");
        let pick = |name: &str, how: &str| {
            self.accounts.get(name).ok_or_else(|| {
                CliError::usage(format!(
                    "{}: no account `{name}` ({how}); accounts: {}",
                    self.path.display(),
                    if self.accounts.is_empty() {
                        "none".into()
                    } else {
                        names()
                    }
                ))
            })
        };
        if let Some(name) = wanted {
            return pick(name, "from --account");
        }
        if let Some(name) = &self.default_account {
            return pick(name, "from default_account");
        }
        match self.accounts.len() {
            1 => Ok(self.accounts.values().next().expect("one account")),
            0 => Err(CliError::usage(format!(
                "{}: no accounts configured; add an [accounts.NAME] table",
                self.path.display()
            ))),
            _ => Err(CliError::usage(format!(
                "{}: several accounts ({}); choose one with --account NAME or set default_account",
                self.path.display(),
                names()
            ))),
        }
    }
}

/// A secret as written in the configuration: `{ env = "VAR" }`, or a literal string (accepted
/// with a warning).
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSetting {
    /// Read from this environment variable.
    Env(String),
    /// Written in the file.
    Literal(Secret),
}

impl std::fmt::Debug for SecretSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSetting::Env(var) => write!(f, "Env({var})"),
            SecretSetting::Literal(s) => write!(f, "Literal({s:?})"),
        }
    }
}

impl<'de> Deserialize<'de> for SecretSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct FromEnv {
            env: String,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = SecretSetting;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("{ env = \"VARIABLE\" } or a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SecretSetting, E> {
                Ok(SecretSetting::Literal(Secret::new(s)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SecretSetting, A::Error> {
                let e = FromEnv::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(SecretSetting::Env(e.env))
            }
        }
        d.deserialize_any(V)
    }
}

impl SecretSetting {
    /// The secret's value; a literal is accepted with a warning on stderr.
    pub fn resolve(&self, account: &str, field: &str) -> Result<Secret, CliError> {
        match self {
            SecretSetting::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
                Ok(_) => Err(CliError::usage(format!(
                    "account {account}: {field}: environment variable {var} is empty"
                ))),
                Err(_) => Err(CliError::usage(format!(
                    "account {account}: {field}: environment variable {var} is not set"
                ))),
            },
            SecretSetting::Literal(s) => {
                eprintln!(
                    "warning: account {account}: {field} is written in the configuration file; prefer {field} = {{ env = \"VARIABLE\" }}"
                );
                Ok(s.clone())
            }
        }
    }
}

impl AccountConfig {
    /// Reads the account's settings into a provider's settings type (which denies unknown keys).
    pub fn settings<T: serde::de::DeserializeOwned>(&self) -> Result<T, CliError> {
        T::deserialize(self.settings.clone()).map_err(|e| {
            CliError::usage(format!(
                "account {} (provider {}): {}",
                self.name,
                self.provider,
                e.message().trim()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, CliError> {
        parse(Path::new("regops.toml"), text)
    }

    #[test]
    fn accounts_and_selection() {
        let c = cfg(r#"
            [accounts.gandi]
            provider = "gandi"
            api_key = { env = "X" }
            [accounts.aws]
            provider = "route53"
        "#)
        .unwrap();
        assert_eq!(c.accounts["gandi"].provider, "gandi");
        assert!(c.accounts["gandi"].settings.contains_key("api_key"));
        assert!(!c.accounts["gandi"].settings.contains_key("provider"));
        assert_eq!(c.select(Some("aws")).unwrap().name, "aws");
        let e = c.select(None).unwrap_err();
        assert!(
            e.message.contains("several accounts (aws, gandi)"),
            "{}",
            e.message
        );
        let e = c.select(Some("nope")).unwrap_err();
        assert!(e.message.contains("no account `nope`") && e.message.contains("aws, gandi"));
        let one = cfg("[accounts.only]\nprovider = \"netim\"").unwrap();
        assert_eq!(one.select(None).unwrap().name, "only");
        let dflt = cfg(
            "default_account = \"b\"\n[accounts.a]\nprovider=\"x\"\n[accounts.b]\nprovider=\"y\"",
        )
        .unwrap();
        assert_eq!(dflt.select(None).unwrap().name, "b");
    }

    #[test]
    fn every_account_takes_a_deadline() {
        let c = cfg("[accounts.a]\nprovider = \"gandi\"\ndeadline = \"20s\"\n\
             [accounts.b]\nprovider = \"netim\"\ndeadline = \"off\"\n\
             [accounts.c]\nprovider = \"route53\"\n")
        .unwrap();
        assert_eq!(
            c.accounts["a"].deadline,
            Some(Some(std::time::Duration::from_secs(20)))
        );
        assert_eq!(c.accounts["b"].deadline, Some(None));
        assert_eq!(c.accounts["c"].deadline, None);
        assert!(!c.accounts["a"].settings.contains_key("deadline"));
        for bad in ["\"soon\"", "45"] {
            let e = cfg(&format!(
                "[accounts.a]\nprovider = \"gandi\"\ndeadline = {bad}\n"
            ))
            .unwrap_err();
            assert!(e.message.contains("deadline"), "{}", e.message);
        }
    }

    #[test]
    fn errors_are_one_line_with_a_location() {
        let e = cfg("[accounts.a]\nprovider = \"gandi\"\n[oops\n").unwrap_err();
        assert_eq!(e.exit, crate::exit::Exit::Usage);
        assert!(
            e.message.starts_with("regops.toml: line 3"),
            "{}",
            e.message
        );
        assert!(!e.to_string().contains('\n'));
        let e = cfg("[accounts.a]\napi_key = \"x\"").unwrap_err();
        assert!(e.message.contains("`provider` is missing"));
        let e = cfg("unknown = 1").unwrap_err();
        assert!(e.message.contains("unknown field"), "{}", e.message);
    }

    #[test]
    fn secrets_from_env_or_literal() {
        #[derive(Deserialize, Debug)]
        struct S {
            key: SecretSetting,
        }
        let s: S = toml::from_str("key = { env = \"REGOPS_TEST_SECRET_VAR\" }").unwrap();
        assert_eq!(s.key, SecretSetting::Env("REGOPS_TEST_SECRET_VAR".into()));
        let e = s.key.resolve("a", "key").unwrap_err();
        assert!(e.message.contains("REGOPS_TEST_SECRET_VAR is not set"));
        let s: S = toml::from_str("key = \"literal-value\"").unwrap();
        assert_eq!(s.key.resolve("a", "key").unwrap().expose(), "literal-value");
        assert!(!format!("{s:?}").contains("literal-value"));
        assert!(toml::from_str::<S>("key = { var = \"X\" }").is_err());
    }
}
