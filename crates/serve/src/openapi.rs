//! The OpenAPI 3.1 document of the API, generated from the route declarations (`utoipa`), so
//! that it cannot drift from what the router serves.

use crate::json::ErrorBody;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The document's frame: title, version and the bearer scheme; the paths come from the routes.
pub(crate) fn base() -> utoipa::openapi::OpenApi {
    let mut doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("regops")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Registrar operations followed to completion across Gandi, Netim, Route 53 Domains and AutoDNS: \
                     the operations in the journal, their history, events and webhooks.",
                ))
                .build(),
        )
        .build();
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    doc
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let (_, doc) = crate::api::documented().split_for_parts();
    doc.to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

/// The OpenAPI document as JSON.
pub fn openapi_json() -> &'static str {
    &DOCUMENT
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    responses((status = 200, content_type = "application/json", body = Object), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub(crate) async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
}
