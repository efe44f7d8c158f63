//! [`batched`]: the shape every adapter's [`Backend::refresh`] takes, written once.
//!
//! A small batch is read one operation at a time (a batched read would cost as much or more);
//! otherwise one batched read (a listing, a search) answers for as many as it can, and what it
//! does not hold (an operation that left a pending list, one outside the listing's window, an id
//! of another kind) is read on its own. The answers keep the order of the ids asked.

use crate::backend::Backend;
use crate::error::Result;
use crate::id::OperationId;
use crate::operation::Operation;
use std::collections::HashMap;
use std::future::Future;

/// Refreshes `ids` on `backend`: one by one when there are at most `one_by_one_up_to`,
/// otherwise through `read_many`, which answers what it found keyed by id (as
/// [`OperationId::as_str`], trimmed): an operation, or an error for an id it is sure about (an
/// id an authoritative listing lacks is not found, with no further call). Ids it does not
/// answer are read with [`Backend::operation`]. An id asked twice gets the same answer twice.
/// A failure of `read_many` is the failure of the whole refresh (the tracker retries it).
pub async fn batched<'a, B, F, Fut>(
    backend: &B,
    ids: &'a [OperationId],
    one_by_one_up_to: usize,
    read_many: F,
) -> Result<Vec<Result<Operation>>>
where
    B: Backend + ?Sized,
    F: FnOnce(&'a [OperationId]) -> Fut,
    Fut: Future<Output = Result<HashMap<String, Result<Operation>>>>,
{
    let mut found = if ids.len() <= one_by_one_up_to {
        HashMap::new()
    } else {
        read_many(ids).await?
    };
    // How many times each id is still to be answered, so that only its last answer is moved
    // out of the map and the others are copies.
    let mut left: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
    for id in ids {
        *left.entry(id.as_str().trim()).or_default() += 1;
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let key = id.as_str().trim();
        let n = left.get_mut(key).expect("counted above");
        *n -= 1;
        let answer = if *n == 0 {
            found.remove(key)
        } else {
            found.get(key).map(copy)
        };
        out.push(match answer {
            Some(answer) => answer,
            None => backend.operation(id).await,
        });
    }
    Ok(out)
}

/// A second answer for an id asked twice.
fn copy(answer: &Result<Operation>) -> Result<Operation> {
    match answer {
        Ok(op) => Ok(op.clone()),
        Err(e) => Err(e.with_message(e.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OperationStatus::{self, *};
    use crate::testing::{ScriptedBackend, op};

    fn ids(list: &[&str]) -> Vec<OperationId> {
        list.iter().map(|i| OperationId::new(*i)).collect()
    }

    #[tokio::test]
    async fn small_batches_are_read_one_by_one_and_the_rest_falls_back() {
        let b = ScriptedBackend::new();
        for id in ["1", "2", "3"] {
            b.script(id, vec![op(id, Pending, "WAIT")]);
        }
        let asked = ids(&["1", "2"]);
        let out = batched(&b, &asked, 2, |_| async {
            panic!("a batch of two is read one by one")
        })
        .await
        .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(b.calls("operation"), 2);

        // Three: one batched read finds "2" and "3" (" 3 " as asked), "1" is read on its own.
        let asked = ids(&["1", "2", " 3 "]);
        let out = batched(&b, &asked, 2, |all| async move {
            assert_eq!(all.len(), 3);
            let mut m = HashMap::new();
            for id in ["2", "3"] {
                m.insert(
                    id.to_owned(),
                    Ok(Operation::new("scripted", id, Succeeded, "DONE")),
                );
            }
            Ok(m)
        })
        .await
        .unwrap();
        let got: Vec<(String, OperationStatus)> = out
            .into_iter()
            .map(|r| r.map(|o| (o.id.as_str().to_owned(), o.status)).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                ("1".to_owned(), Pending),
                ("2".to_owned(), Succeeded),
                ("3".to_owned(), Succeeded)
            ]
        );
        assert_eq!(b.calls("operation"), 3, "only the one the batch lacked");
    }

    #[tokio::test]
    async fn what_the_batch_is_sure_of_is_not_read_again_and_twice_asked_is_answered_twice() {
        let b = ScriptedBackend::new();
        let asked = ids(&["7", "8", "7", "8"]);
        let out = batched(&b, &asked, 1, |_| async {
            let mut m = HashMap::new();
            m.insert(
                "7".to_owned(),
                Ok(Operation::new("scripted", "7", Pending, "WAIT")),
            );
            m.insert("8".to_owned(), Err(crate::Error::not_found("no 8 here")));
            Ok(m)
        })
        .await
        .unwrap();
        assert!(out[0].is_ok() && out[2].is_ok());
        assert!(out[1].as_ref().unwrap_err().is_not_found());
        assert!(out[3].as_ref().unwrap_err().is_not_found());
        assert_eq!(b.calls("operation"), 0, "nothing read again");
    }

    #[tokio::test]
    async fn a_failed_batched_read_fails_the_refresh() {
        let b = ScriptedBackend::new();
        let asked = ids(&["1", "2", "3"]);
        let err = batched(&b, &asked, 1, |_| async {
            Err(crate::Error::protocol("garbled", b"<x"))
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), &crate::ErrorKind::Protocol);
        assert_eq!(b.calls("operation"), 0);
    }
}
