//! audit's deadlines, one match over their kinds: the merchant's review (RV-1, CARE-3).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing, TimerHandler};
use returns_store::timers::Timer;

pub(crate) struct OnTimer;

impl TimerHandler for OnTimer {
    async fn fire(
        &self,
        conn: &mut AsyncPgConnection,
        timer: &Timer,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        match timer.kind.as_str() {
            crate::review_timer::KIND => crate::review_timer::passed(conn, timer, now).await,
            other => Err(HandleError::reject(format!("unknown timer kind {other}"))),
        }
    }
}
