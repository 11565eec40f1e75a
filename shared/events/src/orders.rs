//! The inbound order feed (ORD-1): what the marketplace's order system, which is not part of
//! this platform, publishes on [`crate::topics::ORDERS`], keyed by order id so that one
//! order's events stay in order (ORD-6). intake keeps its own copy and decides only from it.
//!
//! Every record is one [`OrderEnvelope`]; unknown fields anywhere are refused, so a producer's
//! mistake is set aside on the dead-letter topic instead of being half understood.

use chrono::{DateTime, Utc};
use returns_domain::order::OrderLine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{DecodeError, Envelope, Event};

macro_rules! order_event {
    ($ty:ty, $name:literal, $version:literal) => {
        impl Event for $ty {
            const TYPE: &'static str = $name;
            const VERSION: u16 = $version;
            const TOPIC: &'static str = crate::topics::ORDERS;
        }
    };
}

/// One record of the order feed. `event_type` + `schema_version` say how to read `payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderEnvelope {
    /// Unique per event; intake applies each once (inbox).
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u16,
    /// The marketplace's order id (also the record key).
    pub order_id: String,
    pub occurred_at: DateTime<Utc>,
    /// The system that wrote it, for example `marketplace-orders`.
    pub producer: String,
    pub payload: serde_json::Value,
}

impl OrderEnvelope {
    pub fn new<E: Event>(
        event_id: Uuid,
        order_id: &str,
        occurred_at: DateTime<Utc>,
        producer: &str,
        payload: &E,
    ) -> Result<Self, serde_json::Error> {
        Ok(OrderEnvelope {
            event_id,
            event_type: E::TYPE.to_owned(),
            schema_version: E::VERSION,
            order_id: order_id.to_owned(),
            occurred_at,
            producer: producer.to_owned(),
            payload: serde_json::to_value(payload)?,
        })
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        serde_json::from_slice(bytes).map_err(DecodeError::Envelope)
    }

    /// The consumer's view of the record: its id for the inbox, its type and time for the
    /// span. An order has no case yet, so the case id is nil and the city is the producer's.
    pub fn as_envelope(&self) -> Envelope {
        Envelope {
            event_id: self.event_id,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            case_id: Uuid::nil(),
            city: String::new(),
            shard: String::new(),
            occurred_at: self.occurred_at,
            producer: self.producer.clone(),
            payload: self.payload.clone(),
        }
    }
}

/// Where the order was delivered: a door pickup collects here unless the buyer names another
/// address, and the city decides the case's shard (CT-3). Personal data: it stays in intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAddress {
    pub city: String,
    pub address: String,
    pub contact_phone: String,
}

/// The order system: a buyer placed an order with a merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderPlaced {
    pub buyer_id: String,
    pub merchant_id: String,
    pub placed_at: DateTime<Utc>,
    /// AS-4: the order awaits payment until then.
    pub payment_due_at: DateTime<Utc>,
    /// PK-8: paid online, and insured for return freight.
    pub paid_online: bool,
    pub freight_insured: bool,
    pub delivery_address: DeliveryAddress,
    /// 1 or more lines, each with its units and what was paid for all of them.
    pub lines: Vec<OrderLine>,
}
order_event!(OrderPlaced, "order.placed", 1);

/// The order system: the buyer paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderPaid {
    pub paid_at: DateTime<Utc>,
}
order_event!(OrderPaid, "order.paid", 1);

/// The order system: the merchant shipped (RS-3 turns a refund asked before it into a return).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderShipped {
    pub shipped_at: DateTime<Utc>,
    pub carrier: String,
    pub tracking_number: String,
}
order_event!(OrderShipped, "order.shipped", 1);

/// The order system: the buyer received the goods (AUTO-1's 7 days count from here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderDelivered {
    pub delivered_at: DateTime<Utc>,
}
order_event!(OrderDelivered, "order.delivered", 1);

/// The order system: the buyer confirmed the order (AS-1's window counts from here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCompleted {
    pub completed_at: DateTime<Utc>,
}
order_event!(OrderCompleted, "order.completed", 1);

/// The order system: the order was cancelled before shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCancelled {
    pub cancelled_at: DateTime<Utc>,
    pub reason: String,
}
order_event!(OrderCancelled, "order.cancelled", 1);

/// One decoded order event.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderEvent {
    Placed(OrderPlaced),
    Paid(OrderPaid),
    Shipped(OrderShipped),
    Delivered(OrderDelivered),
    Completed(OrderCompleted),
    Cancelled(OrderCancelled),
}

impl OrderEnvelope {
    /// The typed event; an unknown type, a newer version or a payload with unknown fields is
    /// refused with the reason.
    pub fn event(&self) -> Result<OrderEvent, DecodeError> {
        fn read<E: Event>(env: &OrderEnvelope) -> Result<E, DecodeError> {
            // The order system numbers its versions from 1.
            if env.schema_version == 0 {
                return Err(DecodeError::Version {
                    event_type: env.event_type.clone(),
                    found: 0,
                    supported: E::VERSION,
                });
            }
            crate::envelope::decode_payload(&env.event_type, env.schema_version, &env.payload)
        }
        Ok(match self.event_type.as_str() {
            OrderPlaced::TYPE => OrderEvent::Placed(read(self)?),
            OrderPaid::TYPE => OrderEvent::Paid(read(self)?),
            OrderShipped::TYPE => OrderEvent::Shipped(read(self)?),
            OrderDelivered::TYPE => OrderEvent::Delivered(read(self)?),
            OrderCompleted::TYPE => OrderEvent::Completed(read(self)?),
            OrderCancelled::TYPE => OrderEvent::Cancelled(read(self)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ord_1_unknown_fields_and_types_are_refused() {
        let env = OrderEnvelope::new(
            Uuid::nil(),
            "o-1",
            Utc::now(),
            "marketplace-orders",
            &OrderPaid {
                paid_at: Utc::now(),
            },
        )
        .unwrap();
        assert!(matches!(env.event(), Ok(OrderEvent::Paid(_))));
        let mut extra = env.clone();
        extra.payload["paid_amount_fen"] = 5.into();
        assert!(extra.event().is_err());
        let mut unknown = env.clone();
        unknown.event_type = "order.teleported".into();
        assert!(unknown.event().is_err());
        let mut newer = env;
        newer.schema_version = 2;
        assert!(newer.event().is_err());
    }
}
