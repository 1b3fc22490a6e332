//! The thread's deadline: the one clock every long computation of the crate
//! consults, so a caller's time limit (`check --time-limit`, `eval`'s budget,
//! `derive --time-limit`) bounds all the work done for it — polynomial products
//! and sums, the simplifier, derivatives, MPFR enclosures.
//!
//! [`with_deadline`] sets it for the duration of a closure (nested calls keep the
//! earlier deadline); [`expired`] and [`remaining`] read it. Without a deadline
//! nothing ever expires. It lives in the lowest layer so that every layer above can
//! read it; what to do when it has passed (stop with an error that means "time
//! limit", fall back to a cheaper bound) is each caller's business.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use actsym::poly::budget;
//! assert!(!budget::expired());
//! let past = Instant::now() - Duration::from_millis(1);
//! assert!(budget::with_deadline(past, budget::expired));
//! assert!(!budget::expired());
//! ```

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` with the thread's deadline at `deadline`, or at the current one if that
/// is earlier; the previous deadline is restored when `f` returns (or unwinds).
pub fn with_deadline<T>(deadline: Instant, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.with(|c| c.set(self.0));
        }
    }
    let previous = DEADLINE.with(Cell::get);
    let _restore = Restore(previous);
    let d = previous.map_or(deadline, |p| p.min(deadline));
    DEADLINE.with(|c| c.set(Some(d)));
    f()
}

/// The thread's deadline, if one is set.
#[must_use]
pub fn deadline() -> Option<Instant> {
    DEADLINE.with(Cell::get)
}

/// Whether the thread's deadline has passed (never, without one).
#[must_use]
pub fn expired() -> bool {
    deadline().is_some_and(|d| Instant::now() > d)
}

/// The time left before the thread's deadline (`None` without one).
#[must_use]
pub fn remaining() -> Option<Duration> {
    deadline().map(|d| d.saturating_duration_since(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_deadlines_keep_the_earlier_and_restore() {
        let soon = Instant::now() + Duration::from_secs(5);
        let later = soon + Duration::from_secs(100);
        assert_eq!(deadline(), None);
        with_deadline(soon, || {
            assert_eq!(deadline(), Some(soon));
            with_deadline(later, || assert_eq!(deadline(), Some(soon)));
            assert!(remaining().is_some_and(|r| r <= Duration::from_secs(5)));
            assert!(!expired());
        });
        assert_eq!(deadline(), None);
        assert_eq!(remaining(), None);
    }
}
