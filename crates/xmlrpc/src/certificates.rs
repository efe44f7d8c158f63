//! [`CertificateBackend`] and [`HostedCertificateBackend`] over a [`GandiBackend`]: `cert.*`,
//! `cert.package.list` and `cert.hosted.*`.

use crate::PROVIDER;
use crate::backend::{GandiBackend, MAX_PAGE_SIZE, page_number, page_size};
use crate::convert;
use crate::generated::{
    CertPackageListOptions, ChangeDcvMethod, DcvMethodParams, SslCreateParams, SslListOptions,
};
use async_trait::async_trait;
use regops_core::page;
use regops_core::{
    Certificate, CertificateBackend, CertificateCall, CertificateFilter, CertificateId,
    CertificateOption, CertificateOrder, CertificatePackage, CertificateReissue,
    CertificateRenewal, CertificateRevocation, DcvInstructions, DcvMethod, Error,
    HostedCertificate, HostedCertificateBackend, Operation, OperationId, Page, PageToken, Redactor,
    Result, Secret,
};
use std::future::Future;

/// The most pages of a package or hosted-certificate listing regops reads before it says the
/// answer never ends.
const MAX_PAGES: usize = 10_000;

#[async_trait]
impl CertificateBackend for GandiBackend {
    /// Gandi's `cert.create`, `cert.renew`, `cert.update` and `cert.delete` take every option
    /// but the two it has no member for: the e-mail addresses of a validation (its `email`
    /// method writes to the domain's admin addresses) and the subject beside the CSR (it reads
    /// the CSR's). The provider's own parameters are checked against each call's members.
    fn honours(&self, call: CertificateCall, option: CertificateOption) -> bool {
        let _ = call;
        !matches!(
            option,
            CertificateOption::DcvEmails | CertificateOption::Subject
        )
    }

    async fn certificate(&self, id: &CertificateId) -> Result<Certificate> {
        let n = id.integer(PROVIDER)?;
        let c = self.client().cert_info(n).await?;
        regops_core::answering_certificate(
            convert::certificate(c, self.client().timezone()),
            id,
            PROVIDER,
        )
    }

    async fn certificates_page(
        &self,
        filter: &CertificateFilter,
        page: Option<PageToken>,
    ) -> Result<Page<Certificate>> {
        let number = page_number(page)?;
        let size = page_size(filter.page_size);
        let zone = self.client().timezone();
        let mut opts = convert::cert_list_options(filter, zone);
        opts.items_per_page = Some(i64::from(size));
        opts.page = Some(i64::from(number));
        let raw = self.client().cert_list(&opts).await?;
        let full = raw.len() >= size as usize;
        let items = raw
            .into_iter()
            .map(|c| convert::certificate(c, zone))
            .collect();
        Ok(Page::new(
            items,
            full.then(|| PageToken::Number(number + 1)),
        ))
    }

    /// `cert.create`, every option of the order on the wire. Sent once.
    async fn order_certificate(&self, order: &CertificateOrder) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Order, &order.options())?;
        let p = convert::certificate_create(order)?;
        let op = self.client().cert_create(&p).await?;
        Ok(convert::operation(op, self.client().timezone()))
    }

    /// `cert.renew`. Sent once.
    async fn renew_certificate(
        &self,
        id: &CertificateId,
        renewal: &CertificateRenewal,
    ) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Renew, &renewal.options())?;
        let n = id.integer(PROVIDER)?;
        let p = convert::certificate_renew(renewal)?;
        let op = self.client().cert_renew(n, &p).await?;
        Ok(convert::operation(op, self.client().timezone()))
    }

    /// `cert.update` (a new CSR, names or validation). Sent once.
    async fn reissue_certificate(
        &self,
        id: &CertificateId,
        reissue: &CertificateReissue,
    ) -> Result<Operation> {
        self.refuse_unhonoured(PROVIDER, CertificateCall::Reissue, &reissue.options())?;
        let n = id.integer(PROVIDER)?;
        let p = convert::certificate_update(reissue)?;
        let op = self.client().cert_update(n, &p).await?;
        Ok(convert::operation(op, self.client().timezone()))
    }

    /// `cert.delete`. Sent once.
    async fn revoke_certificate(
        &self,
        id: &CertificateId,
        revocation: &CertificateRevocation,
    ) -> Result<Operation> {
        let n = id.integer(PROVIDER)?;
        let p = convert::certificate_delete(revocation)?;
        let op = self.client().cert_delete(n, Some(&p)).await?;
        Ok(convert::operation(op, self.client().timezone()))
    }

    /// `cert.package.list`, every page.
    async fn packages(&self) -> Result<Vec<CertificatePackage>> {
        let zone = self.client().timezone();
        every_page(|page| async move {
            let opts = CertPackageListOptions {
                items_per_page: Some(i64::from(MAX_PAGE_SIZE)),
                page: Some(i64::from(page)),
                ..Default::default()
            };
            let raw = self.client().cert_package_list(&opts).await?;
            let full = raw.len() >= MAX_PAGE_SIZE as usize;
            let items = raw
                .into_iter()
                .filter_map(|p| convert::package(p, zone))
                .collect();
            Ok((items, full))
        })
        .await
    }

    /// `cert.get_dcv_params` for the certificate (by `cert_id`), with the method asked or the
    /// certificate's own.
    async fn dcv_instructions(
        &self,
        id: &CertificateId,
        method: Option<&DcvMethod>,
    ) -> Result<DcvInstructions> {
        let params = DcvMethodParams {
            cert_id: Some(id.integer(PROVIDER)?),
            dcv_method: method.map(|m| m.as_str().to_owned()),
            ..Default::default()
        };
        let d = self.client().cert_get_dcv_params(&params).await?;
        Ok(convert::dcv_instructions(d, self.client().timezone()))
    }

    /// `cert.change_dcv`: the methods of its `ChangeDCVMethod` table only (not `auto`). Sent
    /// once.
    async fn change_dcv(&self, operation: &OperationId, method: &DcvMethod) -> Result<()> {
        let n = operation.integer(PROVIDER)?;
        if let ChangeDcvMethod::Unknown(word) = ChangeDcvMethod::from(method.as_str()) {
            return Err(Error::invalid_input(format!(
                "the method {word}: cert.change_dcv takes {}; nothing was sent",
                ChangeDcvMethod::KNOWN
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_provider(PROVIDER));
        }
        refused_unless(
            self.client()
                .cert_change_dcv(n, Some(method.as_str()))
                .await?,
            "cert.change_dcv",
        )
    }

    /// `cert.resend_dcv`. Sent once.
    async fn resend_dcv(&self, operation: &OperationId) -> Result<()> {
        let n = operation.integer(PROVIDER)?;
        refused_unless(self.client().cert_resend_dcv(n).await?, "cert.resend_dcv")
    }

    /// `cert.recheck_caa`, which takes the certificate's uuid: read with `cert.info` first, and
    /// the certificate read again afterwards. Sent once.
    async fn recheck_caa(&self, id: &CertificateId) -> Result<Certificate> {
        let cert = self.certificate(id).await?;
        let uuid = match cert.extra.get("uuid").and_then(regops_core::Value::as_str) {
            Some(u) if !u.trim().is_empty() => u.trim().to_owned(),
            _ => {
                return Err(Error::unsupported(format!(
                    "certificate {id} has no uuid, which cert.recheck_caa needs; nothing was sent"
                ))
                .with_provider(PROVIDER));
            }
        };
        refused_unless(
            self.client().cert_recheck_caa(&uuid).await?,
            "cert.recheck_caa",
        )?;
        self.certificate(id).await
    }

    fn hosted(&self) -> Option<&dyn HostedCertificateBackend> {
        Some(self)
    }
}

/// Every item of a listing Gandi pages by number (from 0), read through core's bounded
/// [`page::paginate_bounded`]: `fetch` answers a page's items and whether it was full.
async fn every_page<T, F, Fut>(mut fetch: F) -> Result<Vec<T>>
where
    T: Send,
    F: FnMut(u32) -> Fut + Send,
    Fut: Future<Output = Result<(Vec<T>, bool)>> + Send,
{
    page::collect(page::paginate_bounded(MAX_PAGES, move |token| {
        let call = page_number(token).map(|n| (n, fetch(n)));
        async move {
            let (n, fetched) = call?;
            let (items, full) = fetched.await?;
            Ok(Page::new(items, full.then(|| PageToken::Number(n + 1))))
        }
    }))
    .await
}

/// Gandi answers these calls with a boolean: `false` is a refusal.
fn refused_unless(done: bool, call: &str) -> Result<()> {
    if done {
        Ok(())
    } else {
        Err(Error::api(
            "false",
            format!("{call} answered false: the request was refused"),
        )
        .with_provider(PROVIDER))
    }
}

#[async_trait]
impl HostedCertificateBackend for GandiBackend {
    /// `cert.hosted.list`, every page.
    async fn hosted_certificates(&self) -> Result<Vec<HostedCertificate>> {
        let zone = self.client().timezone();
        every_page(|page| async move {
            let opts = SslListOptions {
                items_per_page: Some(i64::from(MAX_PAGE_SIZE)),
                page: Some(i64::from(page)),
                ..Default::default()
            };
            let raw = self.client().cert_hosted_list(&opts).await?;
            let full = raw.len() >= MAX_PAGE_SIZE as usize;
            let items = raw
                .into_iter()
                .filter_map(|s| convert::hosted_listed(s, zone))
                .collect();
            Ok((items, full))
        })
        .await
    }

    async fn hosted_certificate(&self, id: &CertificateId) -> Result<HostedCertificate> {
        let n = id.integer(PROVIDER)?;
        let s = self.client().cert_hosted_info(n).await?;
        let h = convert::hosted(s, self.client().timezone())?;
        if h.id.as_str() != n.to_string() {
            return Err(Error::protocol(
                format!(
                    "asked for hosted certificate {n}, the answer is about {}",
                    h.id
                ),
                &[],
            )
            .with_provider(PROVIDER));
        }
        Ok(h)
    }

    /// `cert.hosted.create`. The key is in the request only: any text of an error that would
    /// show it (or one of its lines) is redacted. Sent once.
    async fn create_hosted_certificate(
        &self,
        certificate: &str,
        key: &Secret,
    ) -> Result<HostedCertificate> {
        let mut redactor = Redactor::new();
        redactor.add(key);
        for line in key.expose().lines().map(str::trim) {
            if line.len() >= 16 && !line.starts_with("-----") {
                redactor.add(&Secret::new(line));
            }
        }
        let params = SslCreateParams {
            crt: certificate.to_owned(),
            key: key.expose().to_owned(),
        };
        let s = self
            .client()
            .cert_hosted_create(&params)
            .await
            .map_err(|e| e.redact(&redactor))?;
        convert::hosted(s, self.client().timezone())
    }

    async fn delete_hosted_certificate(&self, id: &CertificateId) -> Result<()> {
        let n = id.integer(PROVIDER)?;
        refused_unless(
            self.client().cert_hosted_delete(n).await?,
            "cert.hosted.delete",
        )
    }
}
