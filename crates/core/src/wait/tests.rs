use super::*;
use crate::OperationStatus::*;
use crate::testing::{ScriptedBackend, Step, op, op_eta};
use futures::StreamExt;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

async fn run(backend: &ScriptedBackend, opts: WaitOptions) -> Vec<Result<WaitEvent>> {
    wait(backend, OperationId::new("1"), opts).collect().await
}

fn gaps(times: &[Instant]) -> Vec<f64> {
    times
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect()
}

fn statuses(events: &[Result<WaitEvent>]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Ok(WaitEvent::Changed(op)) => op.status.to_string(),
            Ok(WaitEvent::Retrying { .. }) => "retrying".into(),
            Ok(WaitEvent::DeadlineReached(_)) => "deadline".into(),
            Err(e) => format!("error: {}", e.kind().name()),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn follows_until_terminal_yielding_each_change_once() {
    let b = ScriptedBackend::new();
    b.script(
        "1",
        vec![
            op("1", Pending, "BILL"),
            op("1", Pending, "BILL"),
            op("1", Pending, "WAIT"),
            op("1", InProgress, "RUN"),
            op("1", Succeeded, "DONE"),
        ],
    );
    let events = run(&b, WaitOptions::new()).await;
    assert_eq!(
        statuses(&events),
        ["pending", "pending", "in_progress", "succeeded"]
    );
    assert_eq!(b.calls("operation"), 5);
}

#[tokio::test(start_paused = true)]
async fn backs_off_while_nothing_changes_and_resets_after_a_change() {
    let b = ScriptedBackend::new();
    let mut steps: Vec<Step> = (0..4).map(|_| op("1", Pending, "WAIT")).collect();
    steps.push(op("1", InProgress, "RUN"));
    steps.push(op("1", InProgress, "RUN"));
    steps.push(op("1", Succeeded, "DONE"));
    b.script("1", steps);
    let opts = WaitOptions::new()
        .intervals(secs(1.0), secs(3.0))
        .backoff_factor(2.0);
    run(&b, opts).await;
    // first poll; then 1s after the first observation, doubling while unchanged (2, 3 capped);
    // after the change to RUN the interval starts again at 1s, then 2s.
    assert_eq!(
        gaps(&b.call_times("operation")),
        [1.0, 2.0, 3.0, 3.0, 1.0, 2.0]
    );
}

#[tokio::test(start_paused = true)]
async fn polls_when_the_eta_says_within_the_bounds() {
    let b = ScriptedBackend::new();
    b.script(
        "1",
        vec![
            op_eta("1", Pending, "BILL", secs(30.0)),
            op_eta("1", InProgress, "RUN", secs(600.0)),
            op_eta("1", InProgress, "RUN", secs(0.2)),
            op("1", Succeeded, "DONE"),
        ],
    );
    run(&b, WaitOptions::new().intervals(secs(1.0), secs(60.0))).await;
    // eta 30s honoured; 600s capped at the 60s maximum; 0.2s raised to the 1s minimum.
    assert_eq!(gaps(&b.call_times("operation")), [30.0, 60.0, 1.0]);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_ends_the_wait_with_a_last_poll_at_the_deadline() {
    let b = ScriptedBackend::new();
    b.script("1", vec![op("1", InProgress, "RUN")]);
    let start = Instant::now();
    let opts = WaitOptions::new()
        .timeout(secs(10.0))
        .intervals(secs(4.0), secs(4.0));
    let events = run(&b, opts).await;
    assert_eq!(statuses(&events), ["in_progress", "deadline"]);
    let last = match &events[1] {
        Ok(WaitEvent::DeadlineReached(Some(op))) => op,
        other => panic!("{other:?}"),
    };
    assert_eq!(last.raw_status, "RUN");
    let times: Vec<f64> = b
        .call_times("operation")
        .iter()
        .map(|t| (*t - start).as_secs_f64())
        .collect();
    assert_eq!(times, [0.0, 4.0, 8.0, 10.0]);
}

#[tokio::test(start_paused = true)]
async fn unknown_is_not_terminal() {
    let b = ScriptedBackend::new();
    b.script(
        "1",
        vec![
            op("1", Unknown("PAUSED".into()), "PAUSED"),
            op("1", Unknown("PAUSED".into()), "PAUSED"),
            op("1", Succeeded, "DONE"),
        ],
    );
    let events = run(&b, WaitOptions::new()).await;
    assert_eq!(statuses(&events), ["unknown (PAUSED)", "succeeded"]);
    assert_eq!(b.calls("operation"), 3);
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_honouring_retry_after() {
    let b = ScriptedBackend::new();
    b.script(
        "1",
        vec![
            op("1", Pending, "WAIT"),
            Step::Fail(|| Error::rate_limited(Some(Duration::from_secs(20)), "slow down")),
            Step::Fail(|| Error::timeout("read timed out")),
            op("1", Failed, "ERROR"),
        ],
    );
    let events = run(&b, WaitOptions::new().intervals(secs(1.0), secs(60.0))).await;
    assert_eq!(
        statuses(&events),
        ["pending", "retrying", "retrying", "failed"]
    );
    let g = gaps(&b.call_times("operation"));
    assert_eq!(g[0], 1.0);
    assert_eq!(g[1], 20.0, "Retry-After honoured");
    assert!(g[2] >= 1.0 && g[2] <= 60.0);
    // Only reads were sent.
    assert_eq!(b.calls("cancel") + b.calls("relaunch"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_fatal_error_or_too_many_failures_end_the_wait() {
    let b = ScriptedBackend::new();
    b.script("1", vec![Step::Fail(|| Error::not_found("gone"))]);
    let events = run(&b, WaitOptions::new()).await;
    assert_eq!(statuses(&events), ["error: not_found"]);

    let b = ScriptedBackend::new();
    b.script("1", vec![Step::Fail(|| Error::transport(true, "reset"))]);
    let events = run(&b, WaitOptions::new().max_consecutive_errors(3)).await;
    assert_eq!(
        statuses(&events),
        ["retrying", "retrying", "retrying", "error: transport"]
    );
    assert_eq!(b.calls("operation"), 4);
}

#[tokio::test(start_paused = true)]
async fn an_operation_already_terminal_ends_at_once() {
    let b = ScriptedBackend::new();
    b.script("1", vec![op("1", Cancelled, "CANCEL")]);
    let events = run(&b, WaitOptions::new().timeout(secs(5.0))).await;
    assert_eq!(statuses(&events), ["cancelled"]);
    assert_eq!(b.calls("operation"), 1);
}
