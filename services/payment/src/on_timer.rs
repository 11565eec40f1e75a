//! payment's durable deadlines, by timer kind: PAY-3's receipt window for a refund that waits
//! for the merchant, PAY-2's window before an advance is recovered from the merchant, RS-3's
//! shipping cut-off before a refund before shipment is paid.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing, TimerHandler};
use returns_store::timers::Timer;

use crate::receipt::{self, Paid};

pub(crate) struct OnTimer {
    pub policy: returns_domain::Policy,
}

impl TimerHandler for OnTimer {
    async fn fire(
        &self,
        conn: &mut AsyncPgConnection,
        timer: &Timer,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        match timer.kind.as_str() {
            receipt::KIND => {
                let paid = receipt::pay_from_merchant(
                    conn,
                    timer.case_id,
                    None,
                    "confirmation deadline passed",
                    now,
                )
                .await?;
                Ok(match paid {
                    Paid::Now(out) => out,
                    _ => Vec::new(),
                })
            }
            crate::on_approval::CUTOFF_KIND => {
                crate::on_approval::cutoff_passed(conn, timer, &self.policy, now).await
            }
            crate::recovery::KIND => {
                crate::recovery::settle(conn, timer.case_id, "the merchant's window passed", now)
                    .await
            }
            other => Err(HandleError::reject(format!("unknown timer kind {other}"))),
        }
    }
}
