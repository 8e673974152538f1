//! The process's peak resident memory, as the sync summary reports it.
//!
//! Read from `VmHWM` in `/proc/self/status` (Linux): the high-water mark of this program's own
//! memory. `getrusage`'s `ru_maxrss` is not used, and neither should a parent use the one
//! `wait4` gives: Linux folds into it the high-water mark of the memory the process had before
//! it executed this program, i.e. its parent's as it was when the parent forked. Started from a
//! 20 MB Python script, a 14 MB sync reported 20 MB that way.

/// Peak resident memory of this process in bytes, or `None` where the system does not say
/// (not Linux, no `/proc`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    high_water_mark(&status)
}

/// `VmHWM` of a `/proc/PID/status` text, in bytes (the kernel writes it in kB).
fn high_water_mark(status: &str) -> Option<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kilobytes = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_water_mark_is_read_in_bytes() {
        let status = "Name:\tgitlab-connector\nVmPeak:\t  123456 kB\nVmHWM:\t   19344 kB\nVmRSS:\t   18000 kB\n";
        assert_eq!(high_water_mark(status), Some(19344 * 1024));
    }

    #[test]
    fn a_status_without_it_gives_nothing() {
        assert_eq!(high_water_mark("Name:\tx\nVmRSS:\t 1 kB\n"), None);
        assert_eq!(high_water_mark("VmHWM:\tmany kB\n"), None);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_one() {
        let peak = peak_rss_bytes().expect("Linux has /proc/self/status");
        assert!(peak > 1024 * 1024, "{peak}");
    }
}
