//! The buyer's request to open a case: which order, which lines and how many units, what is
//! asked and why (ORD-2, ORD-3). Every fact the order holds (merchant, category, size, amounts,
//! dates, city, insurance) is refused here as an unknown field: the platform reads them from
//! its own copy of the order (ORD-1). This module holds the checks that need no stored data;
//! `opening` holds those against the order.

use returns_domain::guarantee::{Evidence, Guarantee};
use returns_domain::{CaseKind, CityCode, Policy, Remedy, ReturnReason, machine};
use returns_events::payloads::PickupAddress;
use returns_web::Problem;
use serde::Deserialize;

pub(crate) use returns_web::check_id;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenCaseRequest {
    /// The marketplace's order, which must be the caller's (ORD-2).
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub order_id: String,
    /// The order's lines the case covers, each with the units returned (ORD-3); each line once,
    /// at most `policy.order_max_lines` (100 unless configured).
    #[schema(min_items = 1, max_items = 100)]
    pub lines: Vec<LineRequest>,
    #[schema(value_type = OpenedHere)]
    pub kind: CaseKind,
    /// What the buyer asks for; fixed by K-1..K-3, chosen for K-4 after-sales.
    #[serde(default)]
    pub remedy: Option<Remedy>,
    pub reason: ReturnReason,
    /// PK-1: collect at the door; without an address, at the order's delivery address.
    #[serde(default)]
    pub door_pickup: Option<DoorPickup>,
    /// WF-2: a category guarantee to claim, with the evidence it needs (WF-4).
    #[serde(default)]
    pub guarantee: Option<String>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub evidence: Vec<Evidence>,
    /// K-7: when to deliver, and whether to install (WF-3).
    #[serde(default)]
    pub delivery: Option<DeliveryRequest>,
}

/// The kinds this route opens: care orders (K-5) open at `POST /buyer/care-orders`, complaints
/// at audit's `POST /buyer/complaints`. The document's name for `machine::OPEN_KINDS` but care.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only its schema is read, outside the tests")
)]
pub(crate) enum OpenedHere {
    RefundOnly,
    ReturnRefund,
    Exchange,
    AfterSales,
    DeliveryInstallation,
}

impl OpenedHere {
    #[cfg(test)]
    const ALL: [OpenedHere; 5] = [
        OpenedHere::RefundOnly,
        OpenedHere::ReturnRefund,
        OpenedHere::Exchange,
        OpenedHere::AfterSales,
        OpenedHere::DeliveryInstallation,
    ];
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LineRequest {
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub order_line_id: String,
    /// Units of the line in this case, 1 to what was bought and is not in another case (at
    /// most `policy.order_line_max_quantity`, 10000 unless configured).
    #[schema(minimum = 1, maximum = 10000)]
    #[serde(deserialize_with = "returns_domain::whole::de")]
    pub quantity: i32,
}

/// Where the courier collects. Left out, each part is the order's delivery address; a new
/// address names its city, which decides the case's shard (CT-3).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DoorPickup {
    /// Given with `city`, or neither.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub address: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[a-z][a-z-]{0,38}[a-z]$")]
    pub city: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^\\+?[0-9]{6,20}$")]
    pub contact_phone: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliveryRequest {
    pub preferred_date: chrono::NaiveDate,
    #[serde(default)]
    pub installation: bool,
    /// Left out: the order's delivery address and phone.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub address: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^\\+?[0-9]{6,20}$")]
    pub contact_phone: Option<String>,
}

/// An address and phone a courier uses (care orders name theirs whole).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Address {
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub address: String,
    #[schema(pattern = "^\\+?[0-9]{6,20}$")]
    pub contact_phone: String,
}

/// A request that passed every check that needs no stored data.
#[derive(Debug)]
pub(crate) struct Checked<'a> {
    pub remedy: Remedy,
    pub guarantee: Option<&'a Guarantee>,
}

/// A street address a courier can find; `prefix` names the request's field.
fn check_street(address: &str, prefix: &str) -> Result<(), Problem> {
    if returns_domain::text::is_blank(address) || address.chars().count() > 300 {
        return Err(Problem::invalid(
            format!("{prefix}.address"),
            "must be 1-300 characters",
        ));
    }
    Ok(())
}

/// A phone number a courier can call; `prefix` names the request's field.
fn check_phone(phone: &str, prefix: &str) -> Result<(), Problem> {
    returns_web::phone_number(&format!("{prefix}.contact_phone"), phone)
}

/// An address and phone a courier can use; `prefix` names the request's field.
pub(crate) fn check_contact(
    address: &str,
    phone: &str,
    prefix: &str,
) -> Result<PickupAddress, Problem> {
    check_street(address, prefix)?;
    check_phone(phone, prefix)?;
    Ok(PickupAddress {
        address: address.to_owned(),
        contact_phone: phone.to_owned(),
    })
}

/// A care order's whole address.
pub(crate) fn check_address(a: &Address, prefix: &str) -> Result<PickupAddress, Problem> {
    check_contact(&a.address, &a.contact_phone, prefix)
}

fn names<T: serde::Serialize>(items: &[T]) -> String {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The checks of the body alone: ids, kind, remedy, evidence, guarantee, lines, addresses.
pub(crate) fn check<'p>(r: &OpenCaseRequest, policy: &'p Policy) -> Result<Checked<'p>, Problem> {
    check_id("order_id", &r.order_id)?;
    check_lines(&r.lines, policy)?;
    check_kind(r.kind)?;
    check_evidence(&r.evidence)?;
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
    check_delivery(r)?;
    if let Some(d) = &r.door_pickup {
        if !remedy.goods_come_back() {
            return Err(Problem::invalid(
                "door_pickup",
                "a refund without a return has nothing to collect",
            ));
        }
        check_door_pickup(d)?;
    }
    Ok(Checked { remedy, guarantee })
}

fn check_lines(lines: &[LineRequest], policy: &Policy) -> Result<(), Problem> {
    if lines.is_empty() || lines.len() > policy.order_max_lines {
        return Err(Problem::invalid(
            "lines",
            format!(
                "name 1 to {} lines of the order, each with order_line_id and quantity",
                policy.order_max_lines
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, l) in lines.iter().enumerate() {
        check_id(&format!("lines[{i}].order_line_id"), &l.order_line_id)?;
        if !seen.insert(l.order_line_id.as_str()) {
            return Err(Problem::invalid(
                format!("lines[{i}].order_line_id"),
                "each line may be named once; put all its units in one quantity",
            ));
        }
        if !(1..=policy.order_line_max_quantity).contains(&l.quantity) {
            return Err(Problem::invalid(
                format!("lines[{i}].quantity"),
                format!(
                    "must be 1 to {} units (and no more than the line has left)",
                    policy.order_line_max_quantity
                ),
            ));
        }
    }
    Ok(())
}

fn check_kind(kind: CaseKind) -> Result<(), Problem> {
    if kind == CaseKind::Care {
        return Err(Problem::invalid(
            "kind",
            "care orders (K-5) are opened from the service card at POST /buyer/care-orders",
        ));
    }
    if !machine::OPEN_KINDS.contains(&kind) {
        return Err(Problem::invalid(
            "kind",
            format!(
                "this route opens {}; care orders and complaints are opened elsewhere",
                names(&machine::OPEN_KINDS)
            ),
        ));
    }
    Ok(())
}

fn check_evidence(evidence: &[Evidence]) -> Result<(), Problem> {
    if evidence.len() > 10 || !evidence.iter().all(Evidence::is_readable) {
        return Err(Problem::invalid(
            "evidence",
            "at most 10 items, each a kind (1-60 characters) and a ref (1-300 characters)",
        ));
    }
    Ok(())
}

fn check_delivery(r: &OpenCaseRequest) -> Result<(), Problem> {
    match (r.kind, &r.delivery) {
        (CaseKind::DeliveryInstallation, None) => Err(Problem::invalid(
            "delivery",
            "delivery_installation (K-7) needs the preferred_date and installation",
        )),
        (CaseKind::DeliveryInstallation, Some(_)) if r.door_pickup.is_some() => {
            Err(Problem::invalid(
                "door_pickup",
                "a delivery has nothing to collect; the address goes in delivery",
            ))
        }
        (CaseKind::DeliveryInstallation, Some(d)) => {
            if let Some(a) = &d.address {
                check_street(a, "delivery")?;
            }
            if let Some(p) = &d.contact_phone {
                check_phone(p, "delivery")?;
            }
            Ok(())
        }
        (_, Some(_)) => Err(Problem::invalid(
            "delivery",
            "only delivery_installation (K-7) cases are delivered",
        )),
        (_, None) => Ok(()),
    }
}

fn check_door_pickup(d: &DoorPickup) -> Result<(), Problem> {
    match (&d.address, &d.city) {
        (Some(_), None) => {
            return Err(Problem::invalid(
                "door_pickup.city",
                "a pickup address other than the order's names its city (CT-3)",
            ));
        }
        (None, Some(_)) => {
            return Err(Problem::invalid(
                "door_pickup.address",
                "a city is given with the address in it",
            ));
        }
        (Some(a), Some(c)) => {
            check_street(a, "door_pickup")?;
            CityCode::parse(c).map_err(|e| Problem::invalid("door_pickup.city", e.message))?;
        }
        (None, None) => {}
    }
    if let Some(p) = &d.contact_phone {
        check_phone(p, "door_pickup")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_the_kinds_this_route_opens() {
        let documented: Vec<String> = OpenedHere::ALL
            .iter()
            .map(returns_domain::to_wire)
            .collect();
        let opened: Vec<String> = machine::OPEN_KINDS
            .iter()
            .filter(|k| **k != CaseKind::Care)
            .map(returns_domain::to_wire)
            .collect();
        assert_eq!(documented, opened);
    }

    fn request(body: serde_json::Value) -> OpenCaseRequest {
        serde_json::from_value(body).expect("a request body")
    }

    fn return_of(extra: serde_json::Value) -> OpenCaseRequest {
        let mut body = serde_json::json!({
            "order_id": "o-1",
            "lines": [{ "order_line_id": "l-1", "quantity": 1 }],
            "kind": "return_refund",
            "reason": "did_not_like",
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        request(body)
    }

    fn refused_field(r: &OpenCaseRequest) -> Option<String> {
        check(r, &Policy::default()).err().and_then(|p| p.field)
    }

    #[test]
    fn k_2_a_return_takes_its_kinds_only_remedy() {
        let policy = Policy::default();
        let checked = check(&return_of(serde_json::json!({})), &policy);
        assert_eq!(checked.map(|c| c.remedy).ok(), Some(Remedy::ReturnRefund));
    }

    #[test]
    fn k_1_k_3_a_remedy_outside_the_kinds_machine_is_refused_naming_remedy() {
        let r = return_of(serde_json::json!({ "remedy": "exchange" }));
        assert_eq!(refused_field(&r).as_deref(), Some("remedy"));
    }

    #[test]
    fn ord_3_a_request_names_at_least_one_line() {
        let r = return_of(serde_json::json!({ "lines": [] }));
        assert_eq!(refused_field(&r).as_deref(), Some("lines"));
    }

    #[test]
    fn ord_1_the_order_id_is_checked_as_an_id() {
        let r = return_of(serde_json::json!({ "order_id": "" }));
        assert_eq!(refused_field(&r).as_deref(), Some("order_id"));
    }

    #[test]
    fn wf_2_an_unknown_guarantee_is_refused_listing_those_offered() {
        let r = return_of(serde_json::json!({ "guarantee": "no-such-guarantee" }));
        assert_eq!(refused_field(&r).as_deref(), Some("guarantee"));
    }

    #[test]
    fn pk_1_a_refund_without_a_return_has_no_door_pickup() {
        let r = request(serde_json::json!({
            "order_id": "o-1",
            "lines": [{ "order_line_id": "l-1", "quantity": 1 }],
            "kind": "refund_only",
            "reason": "not_shipped_in_time",
            "door_pickup": {},
        }));
        assert_eq!(refused_field(&r).as_deref(), Some("door_pickup"));
    }
}
