//! A parcel's facts as the pickup and shipment events give them (PK-4, CT-2): kept by
//! `refund_orders` while its approval is awaited and paid from by `parcel`.

use chrono::{DateTime, Utc};
use returns_events::payloads::{ParcelShipped, PickupCollected, RefundOrder};

/// The parcel on its way to the merchant: what happened at the door, and the refund order a
/// version 1 event still carried (read from such a record only).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Parcel {
    pub(crate) tracking_number: String,
    pub(crate) at: DateTime<Utc>,
    #[serde(default)]
    pub(crate) order_v1: Option<RefundOrder>,
}

impl Parcel {
    pub(crate) fn collected(c: PickupCollected) -> Self {
        Parcel {
            tracking_number: c.tracking_number,
            at: c.collected_at,
            order_v1: c.refund_v1,
        }
    }

    pub(crate) fn shipped(s: ParcelShipped) -> Self {
        Parcel {
            tracking_number: s.tracking_number,
            at: s.shipped_at,
            order_v1: s.refund_v1,
        }
    }
}
