//! logistics' deadlines, one match over their kinds: a scheduled pickup's dispatch (PK-1), the
//! rider's arrival (PK-3), the care pickup's confirmation (CARE-4) and each company's wait to
//! accept (PK-2).

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
            crate::scheduled_dispatch::KIND => {
                crate::scheduled_dispatch::fire(&self.ctx, conn, timer, now).await
            }
            crate::arrival::KIND => crate::arrival::fire(&self.ctx, conn, timer, now).await,
            crate::care_jobs::KIND => crate::care_jobs::fire(conn, timer, now).await,
            kind if kind.starts_with(crate::accept::KIND_PREFIX) => {
                crate::accept::unaccepted(&self.ctx, conn, timer, now).await
            }
            other => Err(HandleError::reject(format!("unknown timer kind {other}"))),
        }
    }
}
