//! All time is read through a [`Clock`]. Production uses [`Clock::system`]; development and
//! tests use a shifted clock: real time plus a shift, the same shift given to every service so
//! their clocks agree, and movable forward (never back) by the test harness.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

enum Inner {
    System,
    Shifted { shift_ms: AtomicI64 },
}

impl Clock {
    pub fn system() -> Self {
        Clock {
            inner: Arc::new(Inner::System),
        }
    }

    /// Real time plus `shift` (which may be negative: a clock set in the past runs on from there).
    pub fn shifted(shift: Duration) -> Self {
        Clock {
            inner: Arc::new(Inner::Shifted {
                shift_ms: AtomicI64::new(shift.num_milliseconds()),
            }),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.inner {
            Inner::System => Utc::now(),
            Inner::Shifted { shift_ms } => {
                Utc::now() + Duration::milliseconds(shift_ms.load(Ordering::Relaxed))
            }
        }
    }

    pub fn is_movable(&self) -> bool {
        matches!(&*self.inner, Inner::Shifted { .. })
    }

    /// Moves a shifted clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, &'static str> {
        match &*self.inner {
            Inner::System => Err("the system clock cannot be moved"),
            Inner::Shifted { shift_ms } => {
                if by < Duration::zero() {
                    return Err("the clock only moves forward");
                }
                shift_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
                Ok(self.now())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_clock_reads_real_time_plus_shift_and_moves_forward_only() {
        let c = Clock::shifted(Duration::hours(-5));
        let off = c.now() - Utc::now() + Duration::hours(5);
        assert!(off.abs() < Duration::seconds(1), "{off}");
        let before = c.now();
        let moved = c.advance(Duration::hours(73)).unwrap();
        assert!(moved - before >= Duration::hours(73));
        assert!(c.advance(Duration::hours(-1)).is_err());
        assert!(Clock::system().advance(Duration::hours(1)).is_err());
    }
}
