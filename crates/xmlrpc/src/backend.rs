//! [`Backend`] and [`CertificateBackend`] over a [`GandiClient`].

use crate::PROVIDER;
use crate::client::GandiClient;
use crate::convert;
use crate::generated::RelaunchParams;
use crate::value::OneOrMany;
use async_trait::async_trait;
use regops_core::backend::RelaunchParams as CoreRelaunchParams;
use regops_core::{
    Backend, Capabilities, CertificateBackend, Error, FilterSupport, Operation, OperationFilter,
    OperationId, Page, PageToken, Pagination, Result,
};
use std::collections::HashMap;

/// The largest page `operation.list` and `cert.list` return (the reference's default).
pub const MAX_PAGE_SIZE: u32 = 100;

/// Gandi operations and certificates behind the regops-core traits.
#[derive(Clone, Debug)]
pub struct GandiBackend {
    client: GandiClient,
}

impl GandiBackend {
    /// A backend over `client`.
    pub fn new(client: GandiClient) -> Self {
        GandiBackend { client }
    }

    /// The client, for the calls the traits do not cover.
    pub fn client(&self) -> &GandiClient {
        &self.client
    }
}

pub(crate) fn page_size(requested: Option<u32>) -> u32 {
    requested.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

pub(crate) fn page_number(token: Option<PageToken>) -> Result<u32> {
    match token {
        None => Ok(0),
        Some(PageToken::Number(n)) => Ok(n),
        Some(other) => Err(Error::invalid_input(format!(
            "Gandi pages are numbered, not {other:?}"
        ))
        .with_provider(PROVIDER)),
    }
}

/// Which parts of a filter the server applies exactly (others it may narrow, never widen).
#[async_trait]
impl Backend for GandiBackend {
    fn provider(&self) -> &str {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        // `operation.list` takes an id array, `~domain` and `domain` server-side.
        let filter = FilterSupport::none().with_ids().with_target(true);
        Capabilities::none()
            .listing(filter, Pagination::PageNumber, Some(MAX_PAGE_SIZE))
            .server_count()
            .batch_refresh(MAX_PAGE_SIZE as usize)
            .cancel()
            .relaunch()
    }

    fn vocabulary(&self) -> regops_core::Vocabulary {
        convert::vocabulary()
    }

    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        let n = id.integer(PROVIDER)?;
        let op = self.client.operation_info(n).await?;
        regops_core::answering(convert::operation(op, self.client.timezone()), id, PROVIDER)
    }

    async fn operations_page(
        &self,
        filter: &OperationFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        let number = page_number(page)?;
        let size = page_size(filter.page_size);
        let zone = self.client.timezone();
        let mut opts = convert::list_options(filter, zone);
        opts.items_per_page = Some(i64::from(size));
        opts.page = Some(i64::from(number));
        let raw = self.client.operation_list(&opts).await?;
        let full = raw.len() >= size as usize;
        let items = raw
            .into_iter()
            .map(|op| convert::operation(op, zone))
            .collect();
        Ok(Page::new(
            items,
            full.then(|| PageToken::Number(number + 1)),
        ))
    }

    async fn count(&self, filter: &OperationFilter) -> Result<u64> {
        if !convert::exact_on_server(filter) {
            // The server cannot count exactly what is asked: count the checked listing.
            return regops_core::count_listing(self, filter).await;
        }
        let opts = convert::list_options(filter, self.client.timezone());
        let n = self.client.operation_count(&opts).await?;
        u64::try_from(n).map_err(|_| {
            Error::protocol(format!("operation.count answered {n}"), b"").with_provider(PROVIDER)
        })
    }

    /// Reads up to 100 operations per `operation.list` call, filtered by an id array.
    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        // `operation.list` with an array of ids, a page of them per call: what it does not
        // answer is not in this account. An id that is not a number is refused on its own.
        regops_core::refresh::batched(self, ids, 0, |ids| async move {
            let zone = self.client.timezone();
            let valid: Vec<i64> = ids
                .iter()
                .filter_map(|id| id.integer(PROVIDER).ok())
                .collect();
            let mut found = HashMap::with_capacity(valid.len());
            for chunk in valid.chunks(MAX_PAGE_SIZE as usize) {
                let mut unique = chunk.to_vec();
                unique.sort_unstable();
                unique.dedup();
                let opts = crate::generated::OperationListOptions {
                    id: Some(OneOrMany::Many(unique)),
                    items_per_page: Some(i64::from(MAX_PAGE_SIZE)),
                    ..Default::default()
                };
                for op in self.client.operation_list(&opts).await? {
                    found.insert(op.id.to_string(), Ok(convert::operation(op, zone)));
                }
            }
            for n in valid {
                found.entry(n.to_string()).or_insert_with(|| {
                    Err(
                        Error::not_found(format!("operation {n} is not in this account"))
                            .with_provider(PROVIDER)
                            .with_call("operation.list"),
                    )
                });
            }
            Ok(found)
        })
        .await
    }

    async fn cancel(&self, id: &OperationId) -> Result<()> {
        let n = id.integer(PROVIDER)?;
        self.client.operation_cancel(n).await?;
        Ok(())
    }

    async fn relaunch(&self, id: &OperationId, params: &CoreRelaunchParams) -> Result<()> {
        let n = id.integer(PROVIDER)?;
        let typed = relaunch_params(params)?;
        self.client.operation_relaunch(n, typed.as_ref()).await?;
        Ok(())
    }

    fn certificate_backend(&self) -> Option<&dyn CertificateBackend> {
        Some(self)
    }
}

/// The typed relaunch parameters from `KEY=VALUE` pairs: only the reference's names are
/// accepted, so that a typo is an error rather than a parameter Gandi ignores.
pub fn relaunch_params(params: &CoreRelaunchParams) -> Result<Option<RelaunchParams>> {
    if params.is_empty() {
        return Ok(None);
    }
    for key in params.keys() {
        if !RelaunchParams::FIELDS.contains(&key.as_str()) {
            return Err(Error::invalid_input(format!(
                "{key:?} is not a parameter of operation.relaunch (known: authinfo and the x-* names of the reference)"
            ))
            .with_provider(PROVIDER));
        }
    }
    let map = crate::value::Value::Struct(
        params
            .iter()
            .map(|(k, v)| (k.clone(), crate::value::Value::String(v.clone())))
            .collect(),
    );
    crate::value::from_value(map).map(Some).map_err(|e| {
        Error::invalid_input(format!("relaunch parameters: {e}")).with_provider(PROVIDER)
    })
}
