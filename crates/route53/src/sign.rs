//! SigV4 signing of requests, with the `aws-sigv4` crate, and the credentials it signs with.

use crate::PROVIDER;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use regops_core::{Error, Result, Secret};
use std::fmt;
use std::time::SystemTime;

/// The environment variable of the access key id.
pub const ACCESS_KEY_VARIABLE: &str = "AWS_ACCESS_KEY_ID";
/// The environment variable of the secret access key.
pub const SECRET_KEY_VARIABLE: &str = "AWS_SECRET_ACCESS_KEY";
/// The environment variable of the session token (temporary credentials).
pub const SESSION_TOKEN_VARIABLE: &str = "AWS_SESSION_TOKEN";

/// AWS credentials. Every part is a [`Secret`]: none is ever shown by `Debug`, in an error or in
/// a log line.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: Secret,
    secret_access_key: Secret,
    session_token: Option<Secret>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .finish()
    }
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: Secret, secret_access_key: Secret) -> Self {
        Credentials {
            access_key_id,
            secret_access_key,
            session_token: None,
        }
    }

    /// Adds the session token of temporary credentials.
    #[must_use]
    pub fn session_token(mut self, token: Secret) -> Self {
        self.session_token = Some(token);
        self
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when set and not empty,
    /// `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the same variables through `lookup` (for tests and embedders).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let missing = |name: &str| {
            Error::invalid_input(format!(
                "the AWS credentials are incomplete: {name} is not set"
            ))
            .with_provider(PROVIDER)
        };
        let id = get(ACCESS_KEY_VARIABLE).ok_or_else(|| missing(ACCESS_KEY_VARIABLE))?;
        let secret = get(SECRET_KEY_VARIABLE).ok_or_else(|| missing(SECRET_KEY_VARIABLE))?;
        let mut creds = Credentials::new(Secret::new(id), Secret::new(secret));
        if let Some(token) = get(SESSION_TOKEN_VARIABLE) {
            creds = creds.session_token(Secret::new(token));
        }
        Ok(creds)
    }

    /// The secrets, for a [`Redactor`](regops_core::Redactor).
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        [&self.access_key_id, &self.secret_access_key]
            .into_iter()
            .chain(self.session_token.as_ref())
    }
}

/// What to sign with: credentials, region and service.
#[derive(Clone, Debug)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
}

impl Signer {
    /// A signer for `service` in `region`.
    pub fn new(
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Signer {
            credentials,
            region: region.into(),
            service: service.into(),
        }
    }

    /// The region signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Signs a request made of `method`, `url`, `headers` and `body` at `time`; answers the
    /// headers to add to it (`x-amz-date`, `authorization`, and `x-amz-security-token` with
    /// temporary credentials). The session token is part of the signature. The headers given
    /// must be the ones sent, apart from `host`, which comes from the URL when absent.
    pub fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<Vec<(String, String)>> {
        let c = &self.credentials;
        let identity = aws_credential_types::Credentials::new(
            c.access_key_id.expose(),
            c.secret_access_key.expose(),
            c.session_token.as_ref().map(|t| t.expose().to_owned()),
            None,
            "regops",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| signing_error(&e))?
            .into();
        let request = SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| signing_error(&e))?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| signing_error(&e))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect())
    }
}

fn signing_error(e: &dyn std::error::Error) -> Error {
    // The signer's errors name what was wrong with the request, never a credential.
    Error::invalid_input(format!("cannot sign the request: {e}")).with_provider(PROVIDER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_standard_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = Credentials::from_lookup(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
            ("AWS_SECRET_ACCESS_KEY", "sekrit"),
            ("AWS_SESSION_TOKEN", "tok3n"),
        ]))
        .unwrap();
        assert_eq!(c.secrets().count(), 3);
        let shown = format!("{c:?}");
        for s in ["AKIDTEST", "sekrit", "tok3n"] {
            assert!(!shown.contains(s), "{shown}");
        }
        let c = Credentials::from_lookup(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
            ("AWS_SECRET_ACCESS_KEY", "sekrit"),
            ("AWS_SESSION_TOKEN", ""),
        ]))
        .unwrap();
        assert_eq!(c.secrets().count(), 2, "an empty token is no token");
        let err = Credentials::from_lookup(env(&[("AWS_ACCESS_KEY_ID", "AKIDTEST")])).unwrap_err();
        assert!(err.to_string().contains("AWS_SECRET_ACCESS_KEY"), "{err}");
        assert!(!err.to_string().contains("AKIDTEST"));
    }
}
