//! intake's deadlines, one match over their kinds: AS-2's wait before customer service may be
//! asked.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing, TimerHandler};
use returns_runtime::AppContext;
use returns_store::timers::Timer;

pub(crate) struct OnTimer {
    pub ctx: AppContext,
}

impl TimerHandler for OnTimer {
    async fn fire(
        &self,
        conn: &mut AsyncPgConnection,
        timer: &Timer,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        match timer.kind.as_str() {
            crate::intervention::KIND => {
                crate::intervention::opens(&self.ctx, conn, timer, now).await
            }
            other => Err(HandleError::reject(format!("unknown timer kind {other}"))),
        }
    }
}
