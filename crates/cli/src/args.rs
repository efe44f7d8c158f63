//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Track registrar operations (registrations, cancelations, transfers, certificate orders) to
/// completion across Gandi, Netim, Route 53 Domains and AutoDNS, in one vocabulary.
#[derive(Debug, Parser)]
#[command(
    name = "regops",
    version,
    propagate_version = true,
    after_help = "Configuration: --config, else $REGOPS_CONFIG, else ./regops.toml, else \
                  $XDG_CONFIG_HOME/regops/config.toml.\n\
                  Exit codes: 0 success; 1 a waited-for operation failed or was cancelled; \
                  2 usage, configuration, or a command the provider does not have; \
                  3 API, transport or protocol error; 4 timeout."
)]
pub struct Cli {
    /// Configuration file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Account to use (a name under [accounts] in the configuration).
    #[arg(long, global = true, value_name = "NAME")]
    pub account: Option<String>,
    /// Print results as JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Operations: list, show, wait for, cancel, relaunch.
    #[command(subcommand)]
    Ops(OpsCommand),
    /// Domains: request a cancelation (deletion).
    #[command(subcommand)]
    Domain(DomainCommand),
    /// SSL certificates (Gandi and Netim accounts).
    #[command(subcommand)]
    Cert(CertCommand),
    /// Follow operations to their end, recording every change in the journal.
    Track(TrackArgs),
    /// The recorded changes of an operation.
    History(HistoryArgs),
    /// Run the tracking service on every account: HTTP API, events, webhooks, metrics.
    Serve(ServeArgs),
    /// Run the sandbox registrar; prints each protocol's URL and a configuration for it.
    #[cfg(feature = "sandbox")]
    Sim(SimArgs),
    /// Start the sandbox in-process, submit work, and watch it finish (no account needed).
    #[cfg(feature = "sandbox")]
    Demo(DemoArgs),
}

/// `regops track` options.
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// The operations' ids (of the selected account).
    pub ids: Vec<String>,
    /// Follow everything the journal holds that has not ended, across accounts.
    #[arg(long)]
    pub resume: bool,
    /// Give up after this long (e.g. 90s, 5m, 1h30m); the journal keeps what is left.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// The journal file (default: $REGOPS_JOURNAL, else $XDG_DATA_HOME/regops/journal.sqlite3).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

/// `regops history` options.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The operation's id (of the selected account).
    pub id: String,
    /// The journal file (default: $REGOPS_JOURNAL, else $XDG_DATA_HOME/regops/journal.sqlite3).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

/// `regops serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (default: [serve] listen, else 127.0.0.1:7300).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The journal (sqlite://PATH or a path; default: [serve] journal, else the CLI's journal).
    #[arg(long, value_name = "URL")]
    pub journal: Option<String>,
}

/// `regops sim` options.
#[cfg(feature = "sandbox")]
#[derive(Debug, Args)]
pub struct SimArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8417", value_name = "ADDR")]
    pub listen: String,
    /// The seed of the sandbox's random draws (same seed, same run).
    #[arg(long, default_value_t = 2015)]
    pub seed: u64,
    /// How many times faster than real time the sandbox clock runs.
    #[arg(long, default_value_t = 10.0)]
    pub speed: f64,
    /// Start one operation on each provider this often, as someone else would (e.g. 5s).
    #[arg(long, value_name = "DURATION")]
    pub start_every: Option<String>,
}

/// `regops demo` options.
#[cfg(feature = "sandbox")]
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the tracking service on the sandbox instead, with a webhook receiver, until Ctrl-C.
    #[arg(long)]
    pub serve: bool,
    /// With --serve: the service's address.
    #[arg(
        long,
        default_value = "127.0.0.1:7300",
        value_name = "ADDR",
        requires = "serve"
    )]
    pub listen: String,
    /// With --serve: stop after this long (e.g. 30s) instead of waiting for Ctrl-C.
    #[arg(long = "for", value_name = "DURATION", requires = "serve")]
    pub run_for: Option<String>,
    /// The seed of the sandbox's random draws (same seed, same outcomes).
    #[arg(long, default_value_t = 2015)]
    pub seed: u64,
    /// How many times faster than real time the sandbox clock runs.
    #[arg(long, default_value_t = 10.0)]
    pub speed: f64,
}

/// `regops ops ...`
#[derive(Debug, Subcommand)]
pub enum OpsCommand {
    /// List operations, newest first, following every page.
    List(ListArgs),
    /// Show one operation.
    Show {
        /// The operation's id.
        id: String,
    },
    /// Wait until operations end (succeeded, failed or cancelled).
    Wait(WaitArgs),
    /// Cancel an operation, then show it as read back.
    Cancel {
        /// The operation's id.
        id: String,
    },
    /// Each provider's operation types and status words, and the status regops reads each
    /// as (no configuration needed).
    Types,
    /// Relaunch an operation, optionally changing parameters, then show it as read back.
    Relaunch {
        /// The operation's id.
        id: String,
        /// A parameter to change, as KEY=VALUE (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
        params: Vec<(String, String)>,
    },
}

/// `regops ops list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this status (repeatable).
    #[arg(long = "status", value_name = "STATUS", value_enum)]
    pub statuses: Vec<StatusArg>,
    /// Only this provider operation type, as the provider writes it (repeatable).
    #[arg(long = "type", value_name = "RAW_TYPE")]
    pub types: Vec<String>,
    /// Only operations submitted at or after TIME (RFC 3339, or a date YYYY-MM-DD in UTC).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Print at most N operations.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `regops ops wait` options.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The operations' ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Give up after this long (e.g. 90s, 5m, 1h30m); without it, wait as long as it takes.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
}

/// A status as written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum StatusArg {
    /// Accepted, not started.
    Pending,
    /// Being carried out.
    InProgress,
    /// Blocked on a person.
    ActionRequired,
    /// Done.
    Succeeded,
    /// Ended without effect.
    Failed,
    /// Withdrawn.
    Cancelled,
    /// Any status word regops does not know (kept verbatim in `raw_status`).
    Unknown,
}

/// `regops domain ...`
#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Request the cancelation of a domain and show the operation.
    Cancel(DomainCancelArgs),
    /// Register a domain and show the operation (Route 53).
    Register {
        /// The domain name.
        domain: String,
        /// A TOML or JSON file with the contacts (docs/cli.md gives its shape).
        #[arg(long, value_name = "FILE")]
        contacts: std::path::PathBuf,
        /// For how many years.
        #[arg(long, default_value_t = 1)]
        years: u32,
        /// A name server (repeatable; refused where the provider takes none at registration).
        #[arg(long = "nameserver", value_name = "NS")]
        nameservers: Vec<String>,
    },
    /// Transfer a domain into the account and show the operation (Route 53); it may wait for
    /// its authorization (`domain resend-authorization` sends it again).
    Transfer {
        /// The domain name.
        domain: String,
        /// The authorization code from the losing registrar, or `env:VAR` to read it from the
        /// environment (never shown).
        #[arg(long, value_name = "CODE")]
        auth_code: String,
        /// A TOML or JSON file with the contacts (docs/cli.md gives its shape).
        #[arg(long, value_name = "FILE")]
        contacts: std::path::PathBuf,
        /// For how many years it is renewed with the transfer (the registry's minimum if none).
        #[arg(long)]
        years: Option<u32>,
        /// A name server after the transfer (repeatable).
        #[arg(long = "nameserver", value_name = "NS")]
        nameservers: Vec<String>,
    },
    /// Replace the name servers of a domain and show the operation (Route 53).
    Nameservers {
        /// The domain name.
        domain: String,
        /// The name servers, all of them.
        #[arg(required = true, value_name = "NS")]
        nameservers: Vec<String>,
    },
    /// Send the authorization of an operation that waits for it again (Route 53's
    /// ResendOperationAuthorization), then show the operation.
    ResendAuthorization {
        /// The operation's id.
        operation: String,
    },
    /// Renew a domain and show the operation (Route 53).
    Renew {
        /// The domain name.
        domain: String,
        /// For how many years.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        years: u32,
    },
    /// Replace the contacts of a domain and show the operation (Route 53).
    Contacts {
        /// The domain name.
        domain: String,
        /// A TOML or JSON file with the contacts (docs/cli.md gives its shape).
        #[arg(long, value_name = "FILE")]
        contacts: std::path::PathBuf,
    },
    /// Whether the registrant confirmed their e-mail address (Route 53); with --resend, mail
    /// them again first.
    Reachability {
        /// The domain name.
        domain: String,
        /// Send the confirmation e-mail again.
        #[arg(long)]
        resend: bool,
    },
    /// Print the code that transfers a domain to another registrar (Route 53). It is printed on
    /// stdout only, never logged.
    AuthCode {
        /// The domain name.
        domain: String,
    },
    /// Transfers between two accounts of the provider (Route 53: two AWS accounts).
    #[command(subcommand)]
    TransferAccount(AccountTransferCommand),
}

/// `regops domain transfer-account ...`
#[derive(Debug, Subcommand)]
pub enum AccountTransferCommand {
    /// Start giving a domain to another account; prints the operation and the password that
    /// account accepts it with.
    Send {
        /// The domain name.
        domain: String,
        /// The receiving account (an AWS account id: 12 digits).
        #[arg(long, value_name = "ACCOUNT")]
        to: String,
    },
    /// Accept a domain another account gives, with the password it was given (or `env:VAR`
    /// to read it from the environment; never shown).
    Accept {
        /// The domain name.
        domain: String,
        /// The password.
        #[arg(long, value_name = "PASSWORD")]
        password: String,
    },
    /// Refuse a domain another account gives.
    Reject {
        /// The domain name.
        domain: String,
    },
    /// Withdraw a domain given to another account, before it is accepted.
    Cancel {
        /// The domain name.
        domain: String,
    },
}

/// `regops domain cancel` options.
#[derive(Debug, Args)]
pub struct DomainCancelArgs {
    /// The domain name.
    pub domain: String,
    /// What kind of cancelation.
    #[arg(long = "type", value_enum, default_value = "delete")]
    pub kind: CancelKindArg,
    /// When: now, expire (at the domain's expiration), or a date YYYY-MM-DD (00:00:00 UTC).
    #[arg(long, default_value = "expire", value_name = "now|expire|YYYY-MM-DD")]
    pub execution: String,
    /// Disconnect the domain until the cancelation runs.
    #[arg(long)]
    pub disconnect: bool,
    /// The gaining registrar (with --type preack).
    #[arg(long, value_name = "REGISTRAR")]
    pub gaining_registrar: Option<String>,
    /// Change the domain's scheduled cancelation to these options instead of requesting one
    /// (AutoDNS).
    #[arg(long)]
    pub update: bool,
    /// Where the provider sends its notification about the cancelation (AutoDNS).
    #[arg(long, value_name = "EMAIL")]
    pub reply_to: Option<String>,
}

/// A cancelation kind as written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CancelKindArg {
    /// Delete the domain.
    Delete,
    /// Give it back to the registry.
    Transit,
    /// Pre-acknowledge an outgoing transfer.
    Preack,
}

/// `regops cert ...`
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// List certificates (every page), filtered.
    List(Box<CertListArgs>),
    /// Show one certificate.
    Show {
        /// The certificate's id.
        id: String,
    },
    /// Order a certificate and show the operation.
    Create(Box<CertCreateArgs>),
    /// Renew a certificate and show the operation.
    Renew(Box<CertRenewArgs>),
    /// Reissue a certificate with a new CSR and show the operation.
    Reissue(Box<CertReissueArgs>),
    /// Revoke (delete) a certificate and show the operation.
    Revoke(CertRevokeArgs),
    /// List the packages a certificate can be ordered as.
    Packages,
    /// Domain control validation: what to publish, another method, another try.
    #[command(subcommand)]
    Dcv(DcvCommand),
    /// Ask the provider to check the certificate's CAA records again, then show it.
    RecheckCaa {
        /// The certificate's id (or its uuid).
        id: String,
    },
    /// Set a provider preference of a certificate and show the operation.
    Preference {
        /// The certificate's id.
        id: String,
        /// Which preference.
        #[arg(value_enum)]
        preference: PreferenceArg,
        /// Its new value.
        #[arg(value_enum)]
        value: OnOff,
    },
    /// Certificates you bring (certificate and key) for the provider's proxies to serve.
    #[command(subcommand)]
    Hosted(HostedCommand),
}

/// `regops cert list` filters.
#[derive(Debug, Args)]
pub struct CertListArgs {
    /// Only this status (repeatable): pending, valid, revoked, replaced, expired.
    #[arg(long = "status", value_name = "STATUS")]
    pub statuses: Vec<String>,
    /// Only this common name.
    #[arg(long, value_name = "CN", conflicts_with = "cn_prefix")]
    pub cn: Option<String>,
    /// Only common names starting with this.
    #[arg(long, value_name = "PREFIX")]
    pub cn_prefix: Option<String>,
    /// Only this package.
    #[arg(long, value_name = "PACKAGE")]
    pub package: Option<String>,
    /// Only certificates expiring before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    pub expires_before: Option<String>,
    /// Only certificates expiring at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    pub expires_after: Option<String>,
}

/// The subject's members some providers take beside the CSR (Netim).
#[derive(Debug, Args, Default)]
pub struct SubjectArgs {
    /// The subject's two-letter country code.
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// The subject's city.
    #[arg(long)]
    pub city: Option<String>,
    /// The subject's region, state or province.
    #[arg(long)]
    pub region: Option<String>,
    /// The subject's organization.
    #[arg(long)]
    pub organization: Option<String>,
    /// The subject's department.
    #[arg(long)]
    pub department: Option<String>,
    /// The subject's contact address.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
}

/// `regops cert create` options.
#[derive(Debug, Args)]
pub struct CertCreateArgs {
    /// The provider's package or product code (e.g. cert_std_1_0_0).
    #[arg(long)]
    pub package: String,
    /// The common name.
    #[arg(long)]
    pub cn: String,
    /// A file holding the CSR (PEM).
    #[arg(long, value_name = "FILE")]
    pub csr: Option<PathBuf>,
    /// An alternative name (repeatable).
    #[arg(long = "alt-name", value_name = "NAME")]
    pub alt_names: Vec<String>,
    /// How domain control is validated (email, dns, file, https, auto).
    #[arg(long, value_name = "METHOD")]
    pub dcv_method: Option<String>,
    /// An address that validates by e-mail (repeatable), where the provider lets you choose.
    #[arg(long = "dcv-email", value_name = "ADDRESS")]
    pub dcv_emails: Vec<String>,
    /// Validity in years.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub duration: u32,
    /// The subject's members beside the CSR.
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// A parameter of the provider's own call, by its reference name, as KEY=VALUE
    /// (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
}

/// `regops cert renew` options.
#[derive(Debug, Args)]
pub struct CertRenewArgs {
    /// The certificate's id.
    pub id: String,
    /// Added validity in years.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub duration: u32,
    /// A file holding a new CSR (PEM).
    #[arg(long, value_name = "FILE")]
    pub csr: Option<PathBuf>,
    /// How domain control is validated.
    #[arg(long, value_name = "METHOD")]
    pub dcv_method: Option<String>,
    /// A parameter of the provider's own call, as KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
}

/// `regops cert reissue` options.
#[derive(Debug, Args)]
pub struct CertReissueArgs {
    /// The certificate's id.
    pub id: String,
    /// A file holding the new CSR (PEM).
    #[arg(long, value_name = "FILE")]
    pub csr: PathBuf,
    /// An alternative name (repeatable).
    #[arg(long = "alt-name", value_name = "NAME")]
    pub alt_names: Vec<String>,
    /// How domain control is validated.
    #[arg(long, value_name = "METHOD")]
    pub dcv_method: Option<String>,
    /// An address that validates by e-mail (repeatable), where the provider lets you choose.
    #[arg(long = "dcv-email", value_name = "ADDRESS")]
    pub dcv_emails: Vec<String>,
    /// The subject's members beside the CSR.
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// A parameter of the provider's own call, as KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
}

/// `regops cert revoke` options.
#[derive(Debug, Args)]
pub struct CertRevokeArgs {
    /// The certificate's id.
    pub id: String,
    /// Why.
    #[arg(long)]
    pub reason: Option<String>,
    /// A parameter of the provider's own call, as KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
}

/// `regops cert dcv ...`
#[derive(Debug, Subcommand)]
pub enum DcvCommand {
    /// What to publish (DNS records, files) so that the certificate's domains validate.
    Show {
        /// The certificate's id.
        id: String,
        /// The method to publish for (default: the certificate's own).
        #[arg(long, value_name = "METHOD")]
        method: Option<String>,
    },
    /// Validate a certificate operation by another method, then show the operation.
    Change {
        /// The certificate operation's id.
        operation: String,
        /// The new method (email, dns, file, https).
        #[arg(long, value_name = "METHOD")]
        method: String,
    },
    /// Ask the provider to validate a certificate operation again, then show the operation.
    Resend {
        /// The certificate operation's id.
        operation: String,
    },
}

/// `regops cert hosted ...`
#[derive(Debug, Subcommand)]
pub enum HostedCommand {
    /// List the hosted certificates.
    List,
    /// Show one hosted certificate.
    Show {
        /// Its id.
        id: String,
    },
    /// Add a certificate and its private key; the key is never printed.
    Create {
        /// A file holding the certificate (PEM).
        #[arg(long, value_name = "FILE")]
        crt: PathBuf,
        /// A file holding its private key (PEM).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Remove a hosted certificate.
    Delete {
        /// Its id.
        id: String,
    },
}

/// A certificate preference as written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreferenceArg {
    /// Renew automatically before it expires.
    AutoRenew,
    /// Marked as to be renewed.
    ToBeRenewed,
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn key_values() {
        assert_eq!(
            parse_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("x").is_err());
    }
}
