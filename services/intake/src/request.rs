//! The buyer's request to open a case, and its checks: each refusal names the field and what
//! is allowed (K-1..K-4, AS-1, PAY-6's per-case part, PK-1's address).

use chrono::{DateTime, Utc};
use returns_domain::delivery;
use returns_domain::guarantee::Evidence;
use returns_domain::{
    CaseKind, Category, CityCode, Fen, Policy, Remedy, ReturnReason, SizeClass, after_sales,
    machine,
};
use returns_events::payloads::{DeliveryFacts, PickupAddress};
use returns_web::Problem;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    pub merchant_id: String,
    pub order_line_id: String,
    pub kind: CaseKind,
    /// What the buyer asks for; fixed by K-1..K-3, chosen for K-4 after-sales.
    #[serde(default)]
    pub remedy: Option<Remedy>,
    pub reason: ReturnReason,
    pub category: Category,
    pub size_class: SizeClass,
    pub city: String,
    pub paid_amount_fen: i64,
    #[serde(default)]
    pub refund_amount_fen: Option<i64>,
    /// Required for goods already delivered (K-2, K-3); absent before delivery (K-1).
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// K-4: when the order completed; AS-1 counts from it.
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// K-1: the merchant had shipped when the buyer asked.
    #[serde(default)]
    pub merchant_shipped: bool,
    /// PK-8: the order was paid online (the default) and insured for return freight.
    #[serde(default = "yes")]
    pub paid_online: bool,
    #[serde(default)]
    pub freight_insured: bool,
    #[serde(default)]
    pub door_pickup: Option<DoorPickup>,
    /// WF-2: a category guarantee to claim, with the evidence it needs (WF-4).
    #[serde(default)]
    pub guarantee: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// K-7: where and when to deliver, and whether to install (WF-3).
    #[serde(default)]
    pub delivery: Option<DeliveryRequest>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    pub address: String,
    pub contact_phone: String,
    pub preferred_date: chrono::NaiveDate,
    #[serde(default)]
    pub installation: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoorPickup {
    pub address: String,
    pub contact_phone: String,
}

/// A request that passed every check that needs no stored data.
#[derive(Debug)]
pub struct Checked {
    pub delivery: Option<DeliveryFacts>,
    pub city: CityCode,
    pub remedy: Remedy,
    pub refund: Fen,
    pub received_at: Option<DateTime<Utc>>,
    pub door_pickup: Option<PickupAddress>,
}

/// An address a courier collects from; `prefix` names the request's field.
pub fn check_address(d: &DoorPickup, prefix: &str) -> Result<PickupAddress, Problem> {
    if d.address.trim().is_empty() || d.address.len() > 300 {
        return Err(Problem::invalid(
            format!("{prefix}.address"),
            "must be 1-300 characters",
        ));
    }
    let digits = d.contact_phone.trim_start_matches('+');
    if !(6..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::invalid(
            format!("{prefix}.contact_phone"),
            "must be 6-20 digits, optionally starting with +",
        ));
    }
    Ok(PickupAddress {
        address: d.address.clone(),
        contact_phone: d.contact_phone.clone(),
    })
}

pub use returns_web::check_id;

fn names<T: serde::Serialize>(items: &[T]) -> String {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn check(r: &OpenCaseRequest, now: DateTime<Utc>, policy: &Policy) -> Result<Checked, Problem> {
    for (field, v) in [
        ("merchant_id", &r.merchant_id),
        ("order_line_id", &r.order_line_id),
    ] {
        check_id(field, v)?;
    }
    if !machine::OPEN_KINDS.contains(&r.kind) {
        return Err(Problem::invalid(
            "kind",
            format!(
                "this platform version opens {}; care orders, complaints and delivery-installation are opened elsewhere",
                names(&machine::OPEN_KINDS)
            ),
        ));
    }
    if r.evidence.len() > 10
        || r.evidence.iter().any(|e| {
            e.kind.is_empty()
                || e.kind.len() > 60
                || e.reference.is_empty()
                || e.reference.len() > 300
        })
    {
        return Err(Problem::invalid(
            "evidence",
            "at most 10 items, each a kind (1-60 characters) and a ref (1-300 characters)",
        ));
    }
    let guarantee = match &r.guarantee {
        None => None,
        Some(id) => Some(policy.guarantee(id).ok_or_else(|| {
            let ids: Vec<&str> = policy.guarantees.iter().map(|g| g.id.as_str()).collect();
            Problem::invalid(
                "guarantee",
                format!("offered guarantees: {}", ids.join(", ")),
            )
        })?),
    };
    if r.kind == CaseKind::Care {
        return Err(Problem::invalid(
            "kind",
            "care orders (K-5) are opened from the service card at POST /care-orders",
        ));
    }
    let allowed = machine::remedies(r.kind);
    let remedy = r
        .remedy
        .or_else(|| guarantee.and_then(|g| g.remedies.first().copied()))
        .unwrap_or(allowed[0]);
    if !allowed.contains(&remedy) {
        return Err(Problem::invalid(
            "remedy",
            format!(
                "a {} case may ask for: {}",
                names(&[r.kind]),
                names(allowed)
            ),
        ));
    }
    let received_at = match r.kind {
        CaseKind::RefundOnly => {
            if r.received_at.is_some() {
                return Err(Problem::invalid(
                    "received_at",
                    "refund_only (K-1) is for orders not yet received; received goods are returned with return_refund",
                ));
            }
            None
        }
        CaseKind::DeliveryInstallation => {
            if !delivery::offered_for(r.category) {
                return Err(Problem::invalid(
                    "category",
                    "WF-3: delivery and installation are for home_furnishing, large_appliance and small_appliance",
                ));
            }
            if r.received_at.is_some() {
                return Err(Problem::invalid(
                    "received_at",
                    "delivery_installation (K-7) is for goods not yet delivered",
                ));
            }
            None
        }
        CaseKind::AfterSales => {
            let Some(completed) = r.completed_at else {
                return Err(Problem::invalid(
                    "completed_at",
                    "after_sales (K-4) needs the time the order completed (AS-1 counts from it)",
                ));
            };
            if completed > now {
                return Err(Problem::invalid("completed_at", "cannot be in the future"));
            }
            // A guarantee's own window (WF-4) takes the place of AS-1's.
            if guarantee.is_none() {
                after_sales::within_window(completed, now, policy)
                    .map_err(|m| Problem::invalid("completed_at", m))?;
            }
            Some(r.received_at.unwrap_or(completed))
        }
        _ => {
            if r.received_at.is_none() {
                return Err(Problem::invalid(
                    "received_at",
                    "a return or an exchange (K-2, K-3) needs the time the goods were received",
                ));
            }
            r.received_at
        }
    };
    if r.kind != CaseKind::AfterSales && r.completed_at.is_some() {
        return Err(Problem::invalid(
            "completed_at",
            "only after_sales (K-4) counts from the order's completion; leave it out",
        ));
    }
    if received_at.is_some_and(|t| t > now) {
        return Err(Problem::invalid("received_at", "cannot be in the future"));
    }
    if let Some(g) = guarantee {
        let received = received_at.ok_or_else(|| {
            Problem::invalid("received_at", "a guarantee is claimed for received goods")
        })?;
        g.check_claim(r.category, r.kind, remedy, received, now, &r.evidence)
            .map_err(|e| Problem::invalid(e.field, e.message))?;
    }
    let city = CityCode::parse(&r.city).map_err(|e| Problem::invalid(e.field, e.message))?;
    if r.paid_amount_fen <= 0 {
        return Err(Problem::invalid(
            "paid_amount_fen",
            "must be a positive amount in fen",
        ));
    }
    if !remedy.pays_refund() && r.refund_amount_fen.is_some() {
        return Err(Problem::invalid(
            "refund_amount_fen",
            "an exchange or a repair pays no refund; leave it out",
        ));
    }
    // An exchange or a repair holds the whole line while it is open (PAY-6 counts it).
    let refund = r.refund_amount_fen.unwrap_or(r.paid_amount_fen);
    if refund <= 0 || refund > r.paid_amount_fen {
        return Err(Problem::invalid(
            "refund_amount_fen",
            format!(
                "must be 1 to {} fen (PAY-6: never more than was paid)",
                r.paid_amount_fen
            ),
        ));
    }
    let delivery = match (r.kind, &r.delivery) {
        (CaseKind::DeliveryInstallation, None) => {
            return Err(Problem::invalid(
                "delivery",
                "delivery_installation (K-7) needs the address, contact_phone, preferred_date and installation",
            ));
        }
        (CaseKind::DeliveryInstallation, Some(d)) => {
            let today = now.date_naive();
            if d.preferred_date < today || d.preferred_date > today + chrono::Duration::days(30) {
                return Err(Problem::invalid(
                    "delivery.preferred_date",
                    "a day from today to 30 days ahead",
                ));
            }
            if r.door_pickup.is_some() {
                return Err(Problem::invalid(
                    "door_pickup",
                    "a delivery has nothing to collect; the address goes in delivery",
                ));
            }
            let address = check_address(
                &DoorPickup {
                    address: d.address.clone(),
                    contact_phone: d.contact_phone.clone(),
                },
                "delivery",
            )?;
            Some((
                DeliveryFacts {
                    preferred_date: d.preferred_date,
                    installation: d.installation,
                },
                address,
            ))
        }
        (_, Some(_)) => {
            return Err(Problem::invalid(
                "delivery",
                "only delivery_installation (K-7) cases are delivered",
            ));
        }
        (_, None) => None,
    };
    let door_pickup = match &r.door_pickup {
        None => None,
        Some(_) if !remedy.goods_come_back() => {
            return Err(Problem::invalid(
                "door_pickup",
                "a refund without a return has nothing to collect",
            ));
        }
        Some(d) => Some(check_address(d, "door_pickup")?),
    };
    let (delivery, door_pickup) = match delivery {
        Some((facts, address)) => (Some(facts), Some(address)),
        None => (None, door_pickup),
    };
    Ok(Checked {
        delivery,
        city,
        remedy,
        refund: Fen(refund),
        received_at,
        door_pickup,
    })
}
