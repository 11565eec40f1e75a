//! Realistic case requests for tests, the demo and the benchmark: each is a request on an
//! order that the harness places on the order feed first (`crate::orders`).

use returns_domain::{Category, SizeClass};
use serde_json::{Value, json};

use crate::orders::{LineSpec, OrderSpec, Reached};

/// What varies between cases.
#[derive(Debug, Clone)]
pub struct CaseSpec {
    /// `return_refund` (K-2) or `refund_only` (K-1, before delivery: no receipt, no pickup).
    pub kind: &'static str,
    pub city: &'static str,
    pub stars: i16,
    pub size: &'static str,
    pub category: &'static str,
    pub reason: &'static str,
    pub days_since_receipt: i64,
    pub door_pickup: bool,
    /// What the order line cost (all its units).
    pub paid_amount_fen: i64,
    /// K-1: the order was shipped when the refund was asked.
    pub merchant_shipped: bool,
    /// K-4: the order completed this many days ago (`None`: delivered, not completed).
    pub completed_days_ago: Option<i64>,
    /// PK-8: the order was insured for return freight.
    pub freight_insured: bool,
    /// Units bought on the line, and units the case asks for.
    pub quantity: i32,
    pub units: i32,
}

impl CaseSpec {
    /// The reference case: a 3-star buyer in Shanghai, 3 days after receipt, a small
    /// item, no-reason return with door pickup.
    pub fn fast_return() -> CaseSpec {
        CaseSpec {
            kind: "return_refund",
            city: "shanghai",
            stars: 3,
            size: "small",
            category: "apparel",
            reason: "no_reason",
            days_since_receipt: 3,
            door_pickup: true,
            paid_amount_fen: 19_900,
            merchant_shipped: false,
            completed_days_ago: None,
            freight_insured: false,
            quantity: 1,
            units: 1,
        }
    }

    /// How far the order has come when the buyer asks.
    fn reached(&self) -> Reached {
        match (self.kind, self.completed_days_ago) {
            ("refund_only" | "delivery_installation", _) if self.merchant_shipped => {
                Reached::Shipped
            }
            ("refund_only" | "delivery_installation", _) => Reached::Paid,
            (_, Some(days_ago)) => Reached::Completed { days_ago },
            ("after_sales", None) => Reached::Completed {
                days_ago: self.days_since_receipt,
            },
            _ => Reached::Delivered {
                days_ago: self.days_since_receipt,
            },
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(raw: &str) -> T {
    serde_json::from_value(Value::String(raw.to_owned()))
        .unwrap_or_else(|e| panic!("{raw:?} is not a known value: {e}"))
}

/// The merchant a generated order line belongs to (m-1..m-7, all in the programme).
pub fn merchant_of(order_line: &str) -> String {
    format!("m-{}", order_line.len() % 7 + 1)
}

/// The order id the harness gives the order of `order_line`.
pub fn order_of(order_line: &str) -> String {
    format!("o-{order_line}")
}

/// The order a case of `spec` is opened on: one line, `order_line`, of `buyer`'s order.
pub fn order_for(buyer: &str, order_line: &str, spec: &CaseSpec) -> OrderSpec {
    OrderSpec {
        order_id: order_of(order_line),
        buyer_id: buyer.to_owned(),
        merchant_id: merchant_of(order_line),
        city: spec.city.to_owned(),
        paid_online: true,
        freight_insured: spec.freight_insured,
        lines: vec![LineSpec {
            line_id: order_line.to_owned(),
            category: parse::<Category>(spec.category),
            size_class: parse::<SizeClass>(spec.size),
            quantity: spec.quantity,
            amount_paid_fen: spec.paid_amount_fen,
        }],
        reached: spec.reached(),
    }
}

/// The JSON body of `POST /buyer/cases` for `spec` on the order of `order_line` (the buyer is
/// the caller, named by its token; the order says everything else).
pub fn open_case_body(order_line: &str, spec: &CaseSpec) -> Value {
    let mut body = json!({
        "order_id": order_of(order_line),
        "lines": [{ "order_line_id": order_line, "quantity": spec.units }],
        "kind": spec.kind,
        "reason": spec.reason,
    });
    if spec.door_pickup && spec.kind != "refund_only" {
        // At the order's delivery address.
        body["door_pickup"] = json!({});
    }
    body
}

/// A small deterministic generator (xorshift), so runs are repeatable without a dependency.
pub struct Mix {
    state: u64,
}

impl Mix {
    pub fn new(seed: u64) -> Mix {
        Mix { state: seed.max(1) }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        // High bits: xorshift's low bits are weakly correlated from one draw to the next.
        items[((self.next() >> 32) % items.len() as u64) as usize]
    }

    /// A case from the demo's mix: mostly covered cities, mostly good ratings, some large
    /// items, some late or reasoned requests and some uncovered cities.
    pub fn case(&mut self) -> CaseSpec {
        let city = self.pick(&[
            "shanghai",
            "shanghai",
            "shanghai",
            "beijing",
            "beijing",
            "guangzhou",
            "shenzhen",
            "hangzhou",
            "nanjing",
            "lhasa",
        ]);
        let stars = self.pick(&[5, 5, 4, 4, 4, 3, 3, 3, 2, 1]);
        let category = self.pick(&[
            "apparel",
            "apparel",
            "shoes",
            "electronics",
            "cosmetics",
            "home_furnishing",
            "fresh_food",
        ]);
        let size = if category == "home_furnishing" {
            "large"
        } else {
            self.pick(&["small", "small", "small", "large"])
        };
        // About one in twelve asks for a refund before delivery (K-1).
        if (self.next() >> 32).is_multiple_of(12) {
            return CaseSpec {
                kind: "refund_only",
                city,
                stars,
                size,
                category,
                reason: self.pick(&["out_of_stock", "not_shipped_in_time", "did_not_like"]),
                days_since_receipt: 0,
                door_pickup: false,
                paid_amount_fen: 1_000 + (self.next() % 200_000) as i64,
                ..CaseSpec::fast_return()
            };
        }
        let quantity = self.pick(&[1, 1, 1, 2, 3]);
        CaseSpec {
            kind: "return_refund",
            city,
            stars,
            size,
            category,
            reason: self.pick(&[
                "no_reason",
                "no_reason",
                "no_reason",
                "no_reason",
                "did_not_like",
            ]),
            days_since_receipt: self.pick(&[0, 1, 2, 3, 4, 5, 6, 9]),
            door_pickup: self.pick(&[true, true, true, true, false]),
            paid_amount_fen: 1_000 + (self.next() % 200_000) as i64,
            // Some lines hold several units, of which the buyer may return only some (ORD-3).
            quantity,
            units: 1 + ((self.next() >> 32) % quantity as u64) as i32,
            ..CaseSpec::fast_return()
        }
    }
}
