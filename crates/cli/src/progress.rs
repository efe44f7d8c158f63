//! Progress of waits on stderr: one bar per operation on a terminal, plain lines otherwise.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use regops_core::{Error, Operation, OperationStatus};
use std::io::IsTerminal;
use std::time::Duration;

/// The progress display of a set of waits.
pub struct Progress {
    multi: Option<MultiProgress>,
}

/// The progress of one operation.
pub struct Bar {
    bar: Option<ProgressBar>,
    label: String,
}

fn style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner:.cyan} {prefix:.bold} {wide_msg} {elapsed:>4}")
        .expect("valid template")
        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
}

/// The line of an operation that has stopped moving: its mark instead of the spinner.
fn ended_style(mark: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{mark} {{prefix:.bold}} {{wide_msg}} {{elapsed:>4}}"
    ))
    .expect("valid template")
}

/// The mark of how an operation ended: ✓ succeeded, ✗ failed, ⊘ cancelled, ◷ waiting for a
/// date (shown, not followed).
pub fn mark(status: &OperationStatus) -> &'static str {
    match status {
        OperationStatus::Succeeded => "✓",
        OperationStatus::Failed => "✗",
        OperationStatus::Cancelled => "⊘",
        _ => "◷",
    }
}

/// A short text for an operation's state: `in_progress (RUN) example.com: message`.
pub fn describe(op: &Operation) -> String {
    let mut s = format!("{} ({})", op.status.as_str(), op.raw_status);
    if let OperationStatus::Unknown(raw) = &op.status {
        s = format!("unknown status word `{raw}`");
    }
    if let Some(k) = &op.kind {
        s.push_str(&format!(" {k}"));
    }
    if let Some(t) = &op.target {
        s.push_str(&format!(" {t}"));
    }
    if let Some(m) = &op.message {
        s.push_str(&format!(": {}", regops_core::error::fold_line(m, 120)));
    }
    s
}

impl Progress {
    /// Bars when stderr is a terminal, plain lines otherwise.
    pub fn new() -> Self {
        let multi = std::io::stderr()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress { multi }
    }

    /// Adds a line with its own label.
    pub fn add_labelled(&self, label: String) -> Bar {
        let bar = self.multi.as_ref().map(|m| {
            let b = m.add(ProgressBar::new_spinner());
            b.set_style(style());
            b.set_prefix(label.clone());
            b.set_message("waiting for the first answer");
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Bar { bar, label }
    }

    /// Removes the bars from the terminal (their final lines stay).
    pub fn clear(&self) {
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

impl Bar {
    fn say(&self, text: String) {
        match &self.bar {
            Some(b) => b.set_message(text),
            None => eprintln!("{}: {text}", self.label),
        }
    }

    /// A change was observed.
    pub fn update(&self, op: &Operation) {
        if !op.is_terminal() {
            self.say(describe(op));
        }
    }

    /// The operation ended (or, scheduled for a date, is not followed further).
    pub fn finish(&self, op: &Operation) {
        match &self.bar {
            Some(b) => {
                b.set_style(ended_style(mark(&op.status)));
                b.finish_with_message(describe(op));
            }
            None => eprintln!("{}: {}", self.label, describe(op)),
        }
    }

    /// A poll failed and will be retried.
    pub fn retrying(&self, error: &Error, retry_in: Duration) {
        self.say(format!("retrying in {:.0?}: {error}", retry_in));
    }

    /// The deadline passed.
    pub fn deadline(&self) {
        match &self.bar {
            Some(b) => {
                b.set_style(ended_style("…"));
                b.abandon_with_message("timed out");
            }
            None => eprintln!("{}: timed out", self.label),
        }
    }

    /// Waiting ended with an error.
    pub fn failed(&self, error: &Error) {
        match &self.bar {
            Some(b) => {
                b.set_style(ended_style("!"));
                b.abandon_with_message(format!("error: {error}"));
            }
            None => eprintln!("{}: error: {error}", self.label),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ending_has_its_own_mark() {
        let marks: Vec<&str> = [
            OperationStatus::Succeeded,
            OperationStatus::Failed,
            OperationStatus::Cancelled,
            OperationStatus::Pending,
        ]
        .iter()
        .map(mark)
        .collect();
        assert_eq!(marks, ["✓", "✗", "⊘", "◷"]);
    }
}
