//! Pages and lazy page streams.
//!
//! Listings come as a [`PageStream`]: each page is fetched when the stream is polled, never
//! before, so reading the first ten operations of a large account costs one call. The stream
//! ends after a page without a next token, and stops with a [`Protocol`](crate::ErrorKind::Protocol)
//! error when a server returns the same marker twice or more than
//! [`MAX_PAGES`] pages, so that a misbehaving server cannot keep a client looping forever.

use crate::error::{Error, Result};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use std::future::Future;

/// The most pages a stream follows before giving up.
pub const MAX_PAGES: usize = 100_000;

/// Where a page starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageToken {
    /// A page number (Gandi counts from 0).
    Number(u32),
    /// An opaque marker from the previous page (Route 53 `NextPageMarker`).
    Marker(String),
}

/// One page of a listing.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageToken>,
}

impl<T> Page<T> {
    /// A page.
    pub fn new(items: Vec<T>, next: Option<PageToken>) -> Self {
        Page { items, next }
    }

    /// The only page of a listing.
    pub fn last(items: Vec<T>) -> Self {
        Page { items, next: None }
    }
}

/// A lazy stream of pages.
pub type PageStream<'a, T> = BoxStream<'a, Result<Page<T>>>;

/// Builds a lazy page stream from a function that fetches the page at a token (`None` for the
/// first page).
pub fn paginate<'a, T, F, Fut>(fetch: F) -> PageStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<PageToken>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    paginate_bounded(MAX_PAGES, fetch)
}

/// [`paginate`] with a bound on the number of pages.
pub fn paginate_bounded<'a, T, F, Fut>(max_pages: usize, fetch: F) -> PageStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<PageToken>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    struct State<F> {
        fetch: F,
        next: Option<Option<PageToken>>,
        seen: std::collections::HashSet<PageToken>,
        pages: usize,
    }
    let state = State {
        fetch,
        next: Some(None),
        seen: Default::default(),
        pages: 0,
    };
    stream::unfold(state, move |mut st| async move {
        let token = st.next.take()?;
        if st.pages >= max_pages {
            let e = Error::protocol(format!("gave up after following {max_pages} pages"), b"");
            return Some((Err(e), st));
        }
        st.pages += 1;
        match (st.fetch)(token).await {
            Ok(page) => {
                if let Some(next) = &page.next {
                    if !st.seen.insert(next.clone()) {
                        let e = Error::protocol(
                            format!("the server returned the page token {next:?} twice"),
                            b"",
                        );
                        return Some((Err(e), st));
                    }
                    st.next = Some(Some(next.clone()));
                }
                Some((Ok(page), st))
            }
            Err(e) => Some((Err(e), st)),
        }
    })
    .boxed()
}

/// Flattens a page stream into a stream of items.
pub fn items<'a, T: Send + 'a>(pages: PageStream<'a, T>) -> BoxStream<'a, Result<T>> {
    pages
        .map_ok(|p| stream::iter(p.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Every item of every page, in order; the first error ends the reading.
pub async fn collect<T: Send>(pages: PageStream<'_, T>) -> Result<Vec<T>> {
    items(pages).try_collect().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn pages_are_fetched_lazily() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let mut s = paginate(move |tok| {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                let n = match tok {
                    None => 0,
                    Some(PageToken::Number(n)) => n,
                    _ => unreachable!(),
                };
                Ok(Page::new(
                    vec![n],
                    (n < 9).then_some(PageToken::Number(n + 1)),
                ))
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let first = s.next().await.unwrap().unwrap();
        assert_eq!(first.items, [0]);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let rest: Vec<_> = items(s).try_collect().await.unwrap();
        assert_eq!(rest, (1..10).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 10);
    }

    #[tokio::test]
    async fn a_repeated_marker_stops_the_stream() {
        let s = paginate(|_| async { Ok(Page::new(vec![1], Some(PageToken::Marker("m".into())))) });
        let got: Vec<_> = s.collect().await;
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        assert!(got[1].as_ref().unwrap_err().is_protocol());
    }

    #[tokio::test]
    async fn the_page_bound_holds() {
        let mut n = 0u32;
        let s = paginate_bounded(3, move |_| {
            n += 1;
            let next = Some(PageToken::Number(n));
            async move { Ok(Page::new(vec![()], next)) }
        });
        let got: Vec<_> = s.collect().await;
        assert_eq!(got.len(), 4);
        let err = got[3].as_ref().unwrap_err();
        assert!(
            err.to_string().contains("gave up after following 3 pages"),
            "{err}"
        );
    }
}
