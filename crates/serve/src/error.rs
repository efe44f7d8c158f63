//! API errors: one HTTP status and code per kind of failure, `{"error": {"code", "message"}}`.

use crate::json::{ErrorBody, ErrorDetail};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use regops_core::ErrorKind;

/// A failed API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: regops_core::error::fold_line(&message.into(), 500),
        }
    }

    /// 400 `invalid_argument`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_argument", message)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 503 while the journal cannot be reached (the journal is the service's state).
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A provider call's failure: 404 when the provider does not know the object, 409 when it
    /// has no such call, 400 when the request was refused as invalid, 504 on a timeout, 502
    /// otherwise. The message is the error's one line, which never holds a secret.
    pub fn provider(error: &regops_core::Error) -> Self {
        let message = error.to_string();
        match error.kind() {
            ErrorKind::NotFound => Self::not_found(message),
            ErrorKind::Unsupported => Self::new(StatusCode::CONFLICT, "unsupported", message),
            ErrorKind::InvalidInput => Self::invalid(message),
            _ if error.is_timeout() => Self::new(StatusCode::GATEWAY_TIMEOUT, "timeout", message),
            _ => Self::new(StatusCode::BAD_GATEWAY, "provider_error", message),
        }
    }

    /// The journal failed: 503, so that clients retry.
    pub fn journal(error: &regops_core::Error) -> Self {
        Self::unavailable(format!("the journal: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
