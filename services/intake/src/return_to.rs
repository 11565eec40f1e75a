//! ORD-4: an approved return shows the buyer where to send the goods, on the case and as a
//! timeline line (a self-shipped return, CT-2, needs it most).

use diesel_async::AsyncPgConnection;
use returns_bus::HandleError;
use returns_domain::RuleId;
use returns_events::Envelope;
use returns_events::payloads::ReturnAddress;

use crate::store::{self, NewTimelineRow};

pub(crate) async fn show(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    to: &ReturnAddress,
) -> Result<(), HandleError> {
    let value = serde_json::to_value(to).map_err(HandleError::reject)?;
    store::set_return_address(conn, env.case_id, &value).await?;
    store::add_timeline(
        conn,
        &NewTimelineRow {
            case_id: env.case_id,
            event_id: uuid::Uuid::now_v7(),
            event_type: "case.return_address".to_owned(),
            status: None,
            rule_id: Some(RuleId::Ord4.as_str().to_owned()),
            reason: format!(
                "Send the goods to {}, {}, {} ({}).",
                to.recipient, to.address, to.city, to.contact_phone
            ),
            at: env.occurred_at,
        },
    )
    .await?;
    Ok(())
}
