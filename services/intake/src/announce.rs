//! A request intake passes on for a buyer or a merchant (a withdrawal, an intervention): the
//! event on the cases topic and its line on the case's timeline, in the caller's transaction.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{BusError, stage};
use returns_events::Event;
use returns_runtime::AppContext;

use crate::store::{self, CaseRow, NewTimelineRow};
use crate::timeline::Entry;

/// Stages `payload` about `case` and writes `line` for it, under the event's id.
pub(crate) async fn announce<E: Event>(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    case: &CaseRow,
    now: DateTime<Utc>,
    payload: &E,
    line: Entry,
) -> Result<(), BusError> {
    let ev = returns_bus::Emitter::new(app.service, now).emit(
        returns_bus::About {
            case_id: case.id,
            city: &case.city,
            shard: &case.shard,
        },
        payload,
    )?;
    store::add_timeline(
        conn,
        &NewTimelineRow {
            case_id: case.id,
            event_id: ev.envelope.event_id,
            event_type: E::TYPE.to_owned(),
            status: line.status,
            rule_id: line.rule,
            reason: line.reason,
            at: now,
        },
    )
    .await?;
    stage(conn, &app.cities, &[ev]).await
}
