//! The marketplace's order system, played from outside (ORD-1): orders are produced to the
//! inbound order feed as that system would, keyed by order id, and the harness waits until
//! intake holds them before a buyer opens a case.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rdkafka::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use returns_domain::order::OrderLine;
use returns_domain::{Category, Fen, SizeClass};
use returns_events::orders::{
    DeliveryAddress, OrderCompleted, OrderDelivered, OrderEnvelope, OrderPaid, OrderPlaced,
    OrderShipped,
};
use returns_events::{Event, topics};
use uuid::Uuid;

use crate::{Stack, wait_for};

/// The order system's name on its records.
pub const PRODUCER: &str = "marketplace-orders";

/// Where the harness's orders are delivered (a door pickup collects here by default).
pub const ADDRESS: &str = "88 Century Avenue, Pudong";
pub const PHONE: &str = "+8613800138000";

#[derive(Debug, Clone)]
pub struct LineSpec {
    pub line_id: String,
    pub category: Category,
    pub size_class: SizeClass,
    pub quantity: i32,
    pub amount_paid_fen: i64,
}

/// How far an order has come, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    AwaitingPayment,
    Paid,
    Shipped,
    /// Delivered this many days ago.
    Delivered {
        days_ago: i64,
    },
    /// Completed this many days ago (delivered the day before).
    Completed {
        days_ago: i64,
    },
}

impl Reached {
    pub fn state(self) -> &'static str {
        match self {
            Reached::AwaitingPayment => "awaiting_payment",
            Reached::Paid => "paid",
            Reached::Shipped => "shipped",
            Reached::Delivered { .. } => "delivered",
            Reached::Completed { .. } => "completed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrderSpec {
    pub order_id: String,
    pub buyer_id: String,
    pub merchant_id: String,
    pub city: String,
    pub paid_online: bool,
    pub freight_insured: bool,
    pub lines: Vec<LineSpec>,
    pub reached: Reached,
}

impl OrderSpec {
    /// One line of one unit, delivered three days ago in Shanghai.
    pub fn simple(order_id: &str, buyer: &str, merchant: &str, line: &str, fen: i64) -> Self {
        OrderSpec {
            order_id: order_id.to_owned(),
            buyer_id: buyer.to_owned(),
            merchant_id: merchant.to_owned(),
            city: "shanghai".to_owned(),
            paid_online: true,
            freight_insured: false,
            lines: vec![LineSpec {
                line_id: line.to_owned(),
                category: Category::Apparel,
                size_class: SizeClass::Small,
                quantity: 1,
                amount_paid_fen: fen,
            }],
            reached: Reached::Delivered { days_ago: 3 },
        }
    }

    /// The order's events in the order system's order, up to where it has come by `now`.
    pub fn events(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<OrderEnvelope>> {
        let day = chrono::Duration::days(1);
        let (delivered, completed) = match self.reached {
            Reached::Delivered { days_ago } => (Some(now - day * days_ago as i32), None),
            Reached::Completed { days_ago } => {
                let done = now - day * days_ago as i32;
                (Some(done - day), Some(done))
            }
            _ => (None, None),
        };
        let placed_at = match self.reached {
            // AS-4: still within its payment window (72 hours).
            Reached::AwaitingPayment => now - chrono::Duration::hours(1),
            _ => delivered.unwrap_or(now) - day * 3,
        };
        let mut out = vec![self.envelope(placed_at, &self.placed(placed_at))?];
        if self.reached == Reached::AwaitingPayment {
            return Ok(out);
        }
        let paid_at = placed_at + chrono::Duration::minutes(5);
        out.push(self.envelope(paid_at, &OrderPaid { paid_at })?);
        if self.reached == Reached::Paid {
            return Ok(out);
        }
        let shipped_at = if self.reached == Reached::Shipped {
            now - chrono::Duration::hours(2)
        } else {
            placed_at + day
        };
        out.push(self.envelope(shipped_at, &self.shipped(shipped_at))?);
        if let Some(delivered_at) = delivered {
            out.push(self.envelope(delivered_at, &OrderDelivered { delivered_at })?);
        }
        if let Some(completed_at) = completed {
            out.push(self.envelope(completed_at, &OrderCompleted { completed_at })?);
        }
        Ok(out)
    }

    fn placed(&self, placed_at: DateTime<Utc>) -> OrderPlaced {
        OrderPlaced {
            buyer_id: self.buyer_id.clone(),
            merchant_id: self.merchant_id.clone(),
            placed_at,
            payment_due_at: placed_at + chrono::Duration::hours(72),
            paid_online: self.paid_online,
            freight_insured: self.freight_insured,
            delivery_address: DeliveryAddress {
                city: self.city.clone(),
                address: ADDRESS.to_owned(),
                contact_phone: PHONE.to_owned(),
            },
            lines: self
                .lines
                .iter()
                .map(|l| OrderLine {
                    line_id: l.line_id.clone(),
                    product_id: format!("p-{}", l.line_id),
                    category: l.category,
                    size_class: l.size_class,
                    quantity: l.quantity,
                    amount_paid_fen: Fen(l.amount_paid_fen),
                })
                .collect(),
        }
    }

    /// The merchant's shipment, with a tracking number made from the order id.
    pub fn shipped(&self, shipped_at: DateTime<Utc>) -> OrderShipped {
        let digits: String = self
            .order_id
            .bytes()
            .map(|b| char::from(b'0' + b % 10))
            .collect();
        OrderShipped {
            shipped_at,
            carrier: "sf-express".to_owned(),
            tracking_number: format!("SF{digits:0>10}"),
        }
    }

    pub fn envelope<E: Event>(&self, at: DateTime<Utc>, e: &E) -> anyhow::Result<OrderEnvelope> {
        Ok(OrderEnvelope::new(
            Uuid::now_v7(),
            &self.order_id,
            at,
            PRODUCER,
            e,
        )?)
    }
}

fn producer(bootstrap: &str) -> anyhow::Result<FutureProducer> {
    Ok(ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("log_level", "3")
        .create()?)
}

/// Produces raw order-feed records, keyed by order id, as the order system would.
pub async fn publish_raw(
    bootstrap: &str,
    records: &[(String, Vec<u8>, String)],
) -> anyhow::Result<()> {
    let producer = producer(bootstrap)?;
    let sends = records.iter().map(|(key, payload, event_type)| {
        let headers = OwnedHeaders::new().insert(Header {
            key: "event_type",
            value: Some(event_type.as_str()),
        });
        producer.send(
            FutureRecord::to(topics::ORDERS)
                .key(key)
                .payload(payload)
                .headers(headers),
            Duration::from_secs(10),
        )
    });
    for r in futures::future::join_all(sends).await {
        r.map_err(|(e, _)| anyhow::anyhow!("produce to {} failed: {e}", topics::ORDERS))?;
    }
    Ok(())
}

/// Produces the envelopes, in order, keyed by their order ids.
pub async fn publish(stack: &Stack, envelopes: &[OrderEnvelope]) -> anyhow::Result<()> {
    let records: Vec<(String, Vec<u8>, String)> = envelopes
        .iter()
        .map(|e| {
            Ok((
                e.order_id.clone(),
                serde_json::to_vec(e)?,
                e.event_type.clone(),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    // The idempotent producer keeps each partition's records in the order sent, so one
    // order's events (one key, one partition) arrive in order.
    publish_raw(&stack.broker.bootstrap(), &records).await
}

/// Waits until the buyer sees the order in `state`.
pub async fn wait_order(
    stack: &Stack,
    buyer: &str,
    order_id: &str,
    state: &str,
) -> anyhow::Result<serde_json::Value> {
    wait_for(
        &format!("intake to hold order {order_id} as {state}"),
        crate::journey::PATIENCE,
        || async move {
            let (s, v) = stack
                .buyer(buyer)
                .get("intake", &format!("/buyer/orders/{order_id}"))
                .await?;
            Ok((s == 200 && v["order"]["state"] == state).then_some(v))
        },
    )
    .await
}

/// Places the order on the feed and waits until intake holds it where it has come.
pub async fn place(stack: &Stack, spec: &OrderSpec) -> anyhow::Result<()> {
    publish(stack, &spec.events(stack.now())?).await?;
    wait_order(stack, &spec.buyer_id, &spec.order_id, spec.reached.state()).await?;
    Ok(())
}

/// Places many orders and waits until intake holds all of them (the demo, the benchmark).
pub async fn place_all(stack: &Stack, specs: &[OrderSpec]) -> anyhow::Result<()> {
    let now = stack.now();
    let mut envelopes = Vec::new();
    for s in specs {
        envelopes.extend(s.events(now)?);
    }
    publish(stack, &envelopes).await?;
    let mut expected: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for s in specs {
        *expected.entry(s.reached.state()).or_default() += 1;
    }
    let expected = &expected;
    wait_for(
        "intake to hold every order",
        Duration::from_secs(120),
        || async move {
            let (_, v) = stack
                .operator()
                .get("intake", "/operator/stats/orders")
                .await?;
            let done = expected
                .iter()
                .all(|(state, n)| v["by_state"][state].as_i64().unwrap_or(0) >= *n);
            Ok(done.then_some(()))
        },
    )
    .await
}

/// The order system reports `order_id` shipped now with `tracking_number` (RS-3).
pub async fn ship(stack: &Stack, order_id: &str, tracking_number: &str) -> anyhow::Result<()> {
    let shipped_at = stack.now();
    let e = OrderEnvelope::new(
        Uuid::now_v7(),
        order_id,
        shipped_at,
        PRODUCER,
        &OrderShipped {
            shipped_at,
            carrier: "sf-express".to_owned(),
            tracking_number: tracking_number.to_owned(),
        },
    )?;
    publish(stack, &[e]).await
}

/// Waits until audit's own copy of the feed (AS-4) holds the orders too. The last orders sent
/// stand for the rest: each partition applies its records in order.
pub async fn wait_audit_copy(stack: &Stack, specs: &[OrderSpec]) -> anyhow::Result<()> {
    let last = &specs[specs.len().saturating_sub(32)..];
    wait_for(
        "audit to hold the orders",
        Duration::from_secs(120),
        || async move {
            for s in last {
                let (status, _) = stack
                    .operator()
                    .get("audit", &format!("/operator/orders/{}", s.order_id))
                    .await?;
                if status != 200 {
                    return Ok(None);
                }
            }
            Ok(Some(()))
        },
    )
    .await
}
