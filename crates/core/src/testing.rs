//! A scripted in-memory backend for tests (feature `testing`).
//!
//! Each operation id has a script of answers; every read takes the next one, and the last one
//! repeats. The backend records the time (on tokio's clock) of every call, so tests running under
//! a paused clock can check intervals exactly, and it counts each kind of call.

use crate::backend::{Backend, RelaunchParams};
use crate::capabilities::Capabilities;
use crate::error::{Error, Result};
use crate::filter::OperationFilter;
use crate::id::OperationId;
use crate::operation::Operation;
use crate::page::{Page, PageToken};
use crate::status::OperationStatus;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// One answer of a script.
#[derive(Debug)]
pub enum Step {
    /// Answer this operation.
    Op(Box<Operation>),
    /// Fail with this error.
    Fail(fn() -> Error),
}

/// A backend that answers from scripts.
#[derive(Debug, Default)]
pub struct ScriptedBackend {
    scripts: Mutex<HashMap<OperationId, (Vec<Step>, usize)>>,
    calls: Mutex<Vec<(String, Instant)>>,
    batch: bool,
}

/// A script step answering an operation of the scripted provider with a status and raw word.
pub fn op(id: &str, status: OperationStatus, raw: &str) -> Step {
    Step::Op(Box::new(Operation::new("scripted", id, status, raw)))
}

/// [`op`] with an eta.
pub fn op_eta(id: &str, status: OperationStatus, raw: &str, eta: Duration) -> Step {
    let mut o = Operation::new("scripted", id, status, raw);
    o.eta = Some(eta);
    Step::Op(Box::new(o))
}

impl ScriptedBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    /// A backend whose `refresh` answers many ids in one call (counted as one `refresh`).
    pub fn batched() -> Self {
        ScriptedBackend {
            batch: true,
            ..Self::default()
        }
    }

    /// Sets the script of an operation.
    pub fn script(&self, id: &str, steps: Vec<Step>) {
        self.scripts
            .lock()
            .unwrap()
            .insert(OperationId::new(id), (steps, 0));
    }

    /// The times of every call named `name` (`operation`, `refresh`, `cancel`, ...).
    pub fn call_times(&self, name: &str) -> Vec<Instant> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .collect()
    }

    /// How many calls named `name` were made.
    pub fn calls(&self, name: &str) -> usize {
        self.call_times(name).len()
    }

    fn record(&self, name: &str) {
        self.calls
            .lock()
            .unwrap()
            .push((name.to_owned(), Instant::now()));
    }

    fn next(&self, id: &OperationId) -> Result<Operation> {
        let mut scripts = self.scripts.lock().unwrap();
        let Some((steps, pos)) = scripts.get_mut(id) else {
            return Err(Error::not_found(format!("no operation {id}")));
        };
        let i = (*pos).min(steps.len().saturating_sub(1));
        *pos += 1;
        match steps.get(i) {
            Some(Step::Op(op)) => Ok((**op).clone()),
            Some(Step::Fail(f)) => Err(f()),
            None => Err(Error::not_found(format!("empty script for {id}"))),
        }
    }
}

#[async_trait]
impl Backend for ScriptedBackend {
    fn provider(&self) -> &str {
        "scripted"
    }

    fn capabilities(&self) -> Capabilities {
        let c = Capabilities::none().listing(
            crate::FilterSupport::none(),
            crate::Pagination::None,
            None,
        );
        if self.batch { c.batch_refresh(100) } else { c }
    }

    async fn operation(&self, id: &OperationId) -> Result<Operation> {
        self.record("operation");
        self.next(id)
    }

    async fn operations_page(
        &self,
        _filter: &OperationFilter,
        _page: Option<PageToken>,
    ) -> Result<Page<Operation>> {
        self.record("list");
        let ids: Vec<OperationId> = self.scripts.lock().unwrap().keys().cloned().collect();
        let mut items = Vec::new();
        for id in ids {
            if let Ok(op) = self.next(&id) {
                items.push(op);
            }
        }
        Ok(Page::last(items))
    }

    async fn refresh(&self, ids: &[OperationId]) -> Result<Vec<Result<Operation>>> {
        if !self.batch {
            let mut out = Vec::new();
            for id in ids {
                out.push(self.operation(id).await);
            }
            return Ok(out);
        }
        self.record("refresh");
        Ok(ids.iter().map(|id| self.next(id)).collect())
    }

    async fn cancel(&self, _id: &OperationId) -> Result<()> {
        self.record("cancel");
        Ok(())
    }

    async fn relaunch(&self, _id: &OperationId, _params: &RelaunchParams) -> Result<()> {
        self.record("relaunch");
        Ok(())
    }
}
