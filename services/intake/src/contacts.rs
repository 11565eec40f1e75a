//! The buyer's address and phone (issue 4, PII). Since issue 12 item 4 intake keeps neither:
//! they go to logistics in `contact.given` with `case.opened`, in the same transaction, so that
//! logistics holds them when audit's approval arrives (no round trip through intake). Cases
//! opened before kept their contact in `case_contacts`; on approval intake still hands such a
//! contact over in `courier_job.ordered`, and deletes it then or when the case closes.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_events::Envelope;
use returns_events::payloads::{CaseApproved, ContactGiven, CourierJobOrdered, PickupAddress};
use uuid::Uuid;

use crate::schema::case_contacts as cc;

/// The contact a case was opened with, for logistics alone (the courier-jobs topic).
pub(crate) fn given(
    emitter: &returns_bus::Emitter,
    case: returns_bus::About<'_>,
    kind: returns_domain::CaseKind,
    contact: &PickupAddress,
) -> Result<Outgoing, returns_bus::BusError> {
    let given = ContactGiven {
        contact: contact.clone(),
        kind,
    };
    emitter.emit(case, &given)
}

/// Removes the contact and answers it, if the case had one.
async fn take(conn: &mut AsyncPgConnection, case_id: Uuid) -> QueryResult<Option<PickupAddress>> {
    let row: Option<(String, String)> = diesel::delete(cc::table.find(case_id))
        .returning((cc::address, cc::contact_phone))
        .get_result(conn)
        .await
        .optional()?;
    Ok(row.map(|(address, contact_phone)| PickupAddress {
        address,
        contact_phone,
    }))
}

/// On `case.approved` of a case opened before `contact.given`: the courier job for logistics,
/// with the contact intake kept; nothing for a case whose contact logistics already holds.
pub(crate) async fn order_courier_job(
    conn: &mut AsyncPgConnection,
    service: &'static str,
    env: &Envelope,
    approved: CaseApproved,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Outgoing>, HandleError> {
    if !approved.door_pickup {
        return Ok(None);
    }
    let Some(contact) = take(conn, env.case_id).await? else {
        return Ok(None);
    };
    let job = CourierJobOrdered { approved, contact };
    Ok(Some(
        returns_bus::Emitter::new(service, now).emit(env, &job)?,
    ))
}

/// A case closed without a courier job keeps no contact.
pub(crate) async fn forget(conn: &mut AsyncPgConnection, case_id: Uuid) -> QueryResult<()> {
    diesel::delete(cc::table.find(case_id))
        .execute(conn)
        .await?;
    Ok(())
}
