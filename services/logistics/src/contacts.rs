//! The buyer's contact and audit's approval meet here (issue 12 item 4): intake sends the
//! contact with the case's opening (`contact.given`), audit the approval (`case.approved`);
//! whichever comes first waits for the other, and the job is made when both are here, one hop
//! after the approval. Both sides take the case's join lock first, so that two workers (two
//! topics, two replicas) cannot each miss the other. Personal data: a contact is deleted when
//! its job is made, and when its case ends without one (a final rejection, K-4/AS-2, or a
//! withdrawal).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::HandleError;
use returns_domain::CaseKind;
use returns_events::payloads::{CaseApproved, ContactGiven, PickupAddress};
use returns_store::case_lock::{Join, lock_case};
use uuid::Uuid;

use crate::schema::{approvals_awaiting_contact as waiting, contacts};

/// The contact has come: answers the approval that waited for it (both are then gone), or
/// keeps the contact until the approval comes.
pub(crate) async fn given(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    given: &ContactGiven,
    now: DateTime<Utc>,
) -> Result<Option<CaseApproved>, HandleError> {
    lock_case(conn, Join::ContactAndApproval, case_id).await?;
    let approved: Option<serde_json::Value> = diesel::delete(waiting::table.find(case_id))
        .returning(waiting::approved)
        .get_result(conn)
        .await
        .optional()?;
    if let Some(a) = approved {
        return Ok(Some(
            serde_json::from_value(a).map_err(HandleError::reject)?,
        ));
    }
    diesel::insert_into(contacts::table)
        .values((
            contacts::case_id.eq(case_id),
            contacts::kind.eq(given.kind),
            contacts::address.eq(&given.contact.address),
            contacts::contact_phone.eq(&given.contact.contact_phone),
            contacts::given_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(None)
}

/// The approval has come: answers the contact that waited for it (it is then gone), or keeps
/// the approval until the contact comes.
pub(crate) async fn approved(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    approved: &CaseApproved,
    now: DateTime<Utc>,
) -> Result<Option<PickupAddress>, HandleError> {
    lock_case(conn, Join::ContactAndApproval, case_id).await?;
    let contact: Option<(String, String)> = diesel::delete(contacts::table.find(case_id))
        .returning((contacts::address, contacts::contact_phone))
        .get_result(conn)
        .await
        .optional()?;
    if let Some((address, contact_phone)) = contact {
        return Ok(Some(PickupAddress {
            address,
            contact_phone,
        }));
    }
    diesel::insert_into(waiting::table)
        .values((
            waiting::case_id.eq(case_id),
            waiting::approved.eq(serde_json::to_value(approved).map_err(HandleError::reject)?),
            waiting::approved_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(None)
}

/// The kind of the case whose contact waits, if one does.
pub(crate) async fn kind_waiting(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<CaseKind>> {
    contacts::table
        .find(case_id)
        .select(contacts::kind)
        .first(conn)
        .await
        .optional()
}

/// The case ends without a job (or its job came from intake's own copy of the contact): nothing
/// of it is kept.
pub(crate) async fn forget(conn: &mut AsyncPgConnection, case_id: Uuid) -> QueryResult<()> {
    diesel::delete(contacts::table.find(case_id))
        .execute(conn)
        .await?;
    diesel::delete(waiting::table.find(case_id))
        .execute(conn)
        .await?;
    Ok(())
}
