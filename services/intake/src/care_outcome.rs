//! CARE-7, CARE-8: a care order's outcome on its card: the held service is used when the
//! service is performed, released when review rejects it or inspection fails.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_domain::RuleId;
use returns_domain::care::CareOutcome;
use uuid::Uuid;

use crate::schema::{cases, service_cards};

/// CARE-8: how a care order's event changes its card: the held service is used when the
/// service is performed, released when review rejects it or inspection fails. Answers a line
/// for the buyer when it changes.
pub(crate) async fn on_event(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    event: &crate::inbound::Inbound,
) -> Result<Option<(RuleId, String)>, returns_bus::HandleError> {
    use crate::inbound::Inbound;
    let outcome = match event {
        Inbound::CaseRejected(_) => CareOutcome::Rejected,
        Inbound::CareProgress(p) => match CareOutcome::of_step(p.step) {
            Some(o) => o,
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    // Once per case: the outcome is set only where none is yet.
    let card: Option<Option<String>> = diesel::update(
        cases::table
            .find(case_id)
            .filter(cases::care_outcome.is_null()),
    )
    .set(cases::care_outcome.eq(outcome))
    .returning(cases::card_id)
    .get_result(conn)
    .await
    .optional()?;
    let Some(Some(card)) = card else {
        return Ok(None);
    };
    let used = i32::from(outcome.uses_service());
    diesel::update(service_cards::table.find(&card))
        .set((
            service_cards::services_reserved.eq(service_cards::services_reserved - 1),
            service_cards::services_used.eq(service_cards::services_used + used),
        ))
        .execute(conn)
        .await?;
    Ok(Some(if used == 1 {
        (
            RuleId::Care7,
            "One service on your card was used (CARE-7).".to_owned(),
        )
    } else {
        (
            RuleId::Care8,
            "Your card's service was not used (CARE-8).".to_owned(),
        )
    }))
}
