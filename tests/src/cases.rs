//! Realistic case requests for tests, the demo and the benchmark.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

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
    pub paid_amount_fen: i64,
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
        }
    }
}

/// The JSON body of `POST /buyer/cases` for `spec` at service time `now` (the buyer is the
/// caller, named by its token).
pub fn open_case_body(order_line: &str, spec: &CaseSpec, now: DateTime<Utc>) -> Value {
    let mut body = json!({
        "merchant_id": format!("m-{}", order_line.len() % 7 + 1),
        "order_line_id": order_line,
        "kind": spec.kind,
        "reason": spec.reason,
        "category": spec.category,
        "size_class": spec.size,
        "city": spec.city,
        "paid_amount_fen": spec.paid_amount_fen,
        "received_at": (now - Duration::days(spec.days_since_receipt)).to_rfc3339(),
    });
    if spec.kind == "refund_only" {
        if let Some(o) = body.as_object_mut() {
            o.remove("received_at");
        }
        return body;
    }
    if spec.door_pickup {
        body["door_pickup"] =
            json!({ "address": "88 Century Avenue, Pudong", "contact_phone": "+8613800138000" });
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
            };
        }
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
        }
    }
}
