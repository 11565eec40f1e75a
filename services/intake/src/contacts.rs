//! The buyer's address and phone (issue 4, PII): written with the case, handed to logistics in
//! the one event that carries them (`courier_job.ordered`) when the case is approved, and
//! deleted then, or when the case closes without a courier job.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_events::Envelope;
use returns_events::payloads::{CaseApproved, CourierJobOrdered, PickupAddress};
use uuid::Uuid;

use crate::schema::case_contacts as cc;

pub(crate) async fn keep(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    contact: &PickupAddress,
) -> QueryResult<()> {
    diesel::insert_into(cc::table)
        .values((
            cc::case_id.eq(case_id),
            cc::address.eq(&contact.address),
            cc::contact_phone.eq(&contact.contact_phone),
        ))
        .execute(conn)
        .await?;
    Ok(())
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

/// On `case.approved` with a door pickup: the courier job for logistics, with the contact.
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
        return Err(HandleError::reject(format!(
            "case {} was approved for a door pickup but intake holds no address for it",
            env.case_id
        )));
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
