//! CPU times from `/proc/self/stat` (Linux), shared by the benchmarks of this crate.

use std::time::Duration;

/// The sum of fields `first` and `first + 1` of `/proc/self/stat` (counted from 1 as in
/// proc(5)), which are clock ticks of USER_HZ (100 on Linux).
fn ticks(first: usize) -> Duration {
    ticks_of("self", first)
}

/// [`ticks`] of process `pid` (`self` for this one).
fn ticks_of(pid: &str, first: usize) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which may hold spaces, start at field 3.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |n: usize| -> u64 { fields.get(n - 3).and_then(|v| v.parse().ok()).unwrap_or(0) };
    Duration::from_millis((field(first) + field(first + 1)) * 10)
}

/// User + system CPU time of this process (utime, stime).
#[allow(dead_code)]
pub fn process_cpu() -> Duration {
    ticks(14)
}

/// User + system CPU time of the children this process waited for (cutime, cstime).
#[allow(dead_code)]
pub fn children_cpu() -> Duration {
    ticks(16)
}

/// User + system CPU time of process `pid`.
#[allow(dead_code)]
pub fn cpu_of(pid: u32) -> Duration {
    ticks_of(&pid.to_string(), 14)
}
