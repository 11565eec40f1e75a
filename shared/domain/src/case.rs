//! The vocabulary of a case: kinds, reasons, categories, ratings, cities, statuses.

use serde::{Deserialize, Serialize};

use crate::InvalidInput;

/// Case kinds K-1..K-7.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// K-1 refund only, not shipped.
    RefundOnly,
    /// K-2 return and refund.
    ReturnRefund,
    /// K-3 exchange.
    Exchange,
    /// K-4 after-sales.
    AfterSales,
    /// K-5 care order.
    Care,
    /// K-6 complaint.
    Complaint,
    /// K-7 delivery and installation.
    DeliveryInstallation,
}

impl CaseKind {
    /// The kind from its wire name (`after_sales`), as stored; `None` for anything else.
    pub fn parse(raw: &str) -> Option<CaseKind> {
        crate::from_wire(raw)
    }

    /// The kind's wire name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::ReturnRefund => "return_refund",
            CaseKind::RefundOnly => "refund_only",
            CaseKind::Exchange => "exchange",
            CaseKind::AfterSales => "after_sales",
            CaseKind::Care => "care",
            CaseKind::Complaint => "complaint",
            CaseKind::DeliveryInstallation => "delivery_installation",
        }
    }
}

crate::lifecycle::text_column!(CaseKind, "case kind");

/// Why the buyer asks. `NoReason` is the 7-day no-reason return of AUTO-1.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    NoReason,
    /// RS-1: the merchant cannot ship.
    OutOfStock,
    /// RS-1: the merchant did not ship in the promised time.
    NotShippedInTime,
    DidNotLike,
    WrongSize,
    QualityProblem,
    NotAsDescribed,
    /// K-5: a care service under the item's service card.
    CareService,
    /// K-7: delivery into the home and installation.
    DeliveryService,
    /// AS-5: the invoice is missing or wrong.
    InvoiceProblem,
}

/// Product categories the policies speak about (AUTO-2, PK-7, WF-2).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Apparel,
    Shoes,
    Bags,
    Electronics,
    Phones,
    Cosmetics,
    Baby,
    Food,
    FreshFood,
    SmallAppliance,
    LargeAppliance,
    HomeFurnishing,
    ContactLenses,
    Luxury,
    Other,
}

/// What the buyer asks for. K-1 and K-2 fix it (refund; return and refund), K-3 is an exchange,
/// and K-4 after-sales may ask for any of them (RULES.md K-4).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// Money back; the goods stay with the buyer (or never left the merchant).
    Refund,
    /// The goods go back, the money comes back.
    ReturnRefund,
    /// The goods go back, a replacement of the same product comes back.
    Exchange,
    /// The goods go back, are repaired, and come back.
    Repair,
    /// K-7: the goods are delivered into the home, and installed when asked (WF-3).
    DeliveryInstallation,
}

impl Remedy {
    /// Whether the buyer sends the goods to the merchant (a pickup or their own shipment).
    pub fn goods_come_back(self) -> bool {
        !matches!(self, Remedy::Refund | Remedy::DeliveryInstallation)
    }

    /// Whether the case ends with money paid to the buyer.
    pub fn pays_refund(self) -> bool {
        matches!(self, Remedy::Refund | Remedy::ReturnRefund)
    }

    /// Whether the merchant sends goods back to the buyer (a replacement or the repaired item).
    pub fn merchant_sends_back(self) -> bool {
        matches!(self, Remedy::Exchange | Remedy::Repair)
    }
}

/// PK-7: the item's size class decides PK-3's deadline.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Small,
    Large,
}

/// CR-1: a buyer's credit rating, 1 to 5 stars.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "crate::whole::Number", into = "i16")]
pub struct Rating(#[schemars(range(min = 1, max = 5))] i16);

/// Written by hand: the derive cannot bound a newtype's number.
impl utoipa::PartialSchema for Rating {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(1))
            .maximum(Some(5))
            .description(Some("Stars, 1 to 5 (CR-1)."))
            .into()
    }
}

impl utoipa::ToSchema for Rating {}

impl Rating {
    pub fn new(stars: i16) -> Result<Self, InvalidInput> {
        if (1..=5).contains(&stars) {
            Ok(Rating(stars))
        } else {
            Err(InvalidInput::new(
                "rating",
                format!("{stars} is not a rating; allowed: 1 to 5 stars"),
            ))
        }
    }

    pub fn stars(self) -> i16 {
        self.0
    }
}

impl TryFrom<i16> for Rating {
    type Error = InvalidInput;
    fn try_from(v: i16) -> Result<Self, Self::Error> {
        Rating::new(v)
    }
}

/// `5` and `5.0` are the same five stars.
impl TryFrom<crate::whole::Number> for Rating {
    type Error = InvalidInput;
    fn try_from(v: crate::whole::Number) -> Result<Self, Self::Error> {
        let out_of_range = || {
            let why = format!("{} is not a rating; allowed: 1 to 5 stars", v.0);
            InvalidInput::new("rating", why)
        };
        i16::try_from(v.0)
            .map_err(|_| out_of_range())
            .and_then(Rating::new)
    }
}

impl From<Rating> for i16 {
    fn from(r: Rating) -> i16 {
        r.0
    }
}

impl std::fmt::Display for Rating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}★", self.0)
    }
}

/// A city code such as `shanghai`: lowercase ASCII letters and hyphens (CT-1, CT-3).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CityCode(String);

impl CityCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let ok = (2..=40).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(CityCode(raw.to_owned()))
        } else {
            Err(InvalidInput::new(
                "city",
                format!(
                    "{raw:?} is not a city code; allowed: 2-40 lowercase letters and inner hyphens, e.g. \"shanghai\""
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CityCode {
    type Error = InvalidInput;
    fn try_from(v: String) -> Result<Self, Self::Error> {
        CityCode::parse(&v)
    }
}

impl From<CityCode> for String {
    fn from(c: CityCode) -> String {
        c.0
    }
}

impl std::fmt::Display for CityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a case stands, as the buyer sees it. Which statuses a case passes through, and in
/// which order, is its kind's state machine (`machine.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Requested,
    AwaitingMerchant,
    /// AS-2: customer service was asked to intervene in an unsettled after-sales case.
    Intervening,
    Approved,
    AwaitingBuyerShipment,
    PickupScheduled,
    PickupDispatched,
    /// PK-9: no partner accepted; customer service arranges the pickup.
    PickupEscalated,
    CourierAccepted,
    InTransit,
    /// K-5: the goods reached the service centre and are inspected (CARE-6).
    AtCentre,
    /// K-5: inspection failed; the goods go back unserviced (CARE-6).
    InspectionFailed,
    /// K-5: the service was performed (CARE-7).
    Serviced,
    /// K-3, K-4, K-5: the merchant sent the replacement, the repaired or serviced goods back.
    SentBack,
    /// K-5: the goods were lost after pickup; the merchant compensates their value (CARE-5).
    GoodsLost,
    /// K-7: a delivery slot is booked with the buyer (WF-3).
    DeliveryScheduled,
    /// K-7: delivered into the home.
    Delivered,
    /// K-7: installed.
    Installed,
    Refunded,
    Rejected,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Requested => "requested",
            CaseStatus::AwaitingMerchant => "awaiting_merchant",
            CaseStatus::Intervening => "intervening",
            CaseStatus::Approved => "approved",
            CaseStatus::AwaitingBuyerShipment => "awaiting_buyer_shipment",
            CaseStatus::PickupScheduled => "pickup_scheduled",
            CaseStatus::PickupDispatched => "pickup_dispatched",
            CaseStatus::PickupEscalated => "pickup_escalated",
            CaseStatus::CourierAccepted => "courier_accepted",
            CaseStatus::InTransit => "in_transit",
            CaseStatus::AtCentre => "at_centre",
            CaseStatus::InspectionFailed => "inspection_failed",
            CaseStatus::Serviced => "serviced",
            CaseStatus::SentBack => "sent_back",
            CaseStatus::GoodsLost => "goods_lost",
            CaseStatus::DeliveryScheduled => "delivery_scheduled",
            CaseStatus::Delivered => "delivered",
            CaseStatus::Installed => "installed",
            CaseStatus::Refunded => "refunded",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        ALL_STATUSES.iter().copied().find(|s| s.as_str() == raw)
    }
}

crate::lifecycle::text_column!(CaseStatus, "case status");

pub const ALL_STATUSES: [CaseStatus; 21] = [
    CaseStatus::Requested,
    CaseStatus::AwaitingMerchant,
    CaseStatus::Intervening,
    CaseStatus::Approved,
    CaseStatus::AwaitingBuyerShipment,
    CaseStatus::PickupScheduled,
    CaseStatus::PickupDispatched,
    CaseStatus::PickupEscalated,
    CaseStatus::CourierAccepted,
    CaseStatus::InTransit,
    CaseStatus::AtCentre,
    CaseStatus::InspectionFailed,
    CaseStatus::Serviced,
    CaseStatus::SentBack,
    CaseStatus::GoodsLost,
    CaseStatus::DeliveryScheduled,
    CaseStatus::Delivered,
    CaseStatus::Installed,
    CaseStatus::Refunded,
    CaseStatus::Rejected,
    CaseStatus::Closed,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_1_rating_is_one_to_five_stars() {
        assert!(Rating::new(0).is_err());
        assert!(Rating::new(6).is_err());
        assert_eq!(Rating::new(3).map(Rating::stars), Ok(3));
    }

    #[test]
    fn city_codes_are_lowercase_words() {
        assert!(CityCode::parse("shanghai").is_ok());
        assert!(CityCode::parse("xi-an").is_ok());
        let err = CityCode::parse("Shanghai").err();
        assert_eq!(err.map(|e| e.field), Some("city"));
        assert!(CityCode::parse("-x").is_err());
    }

    #[test]
    fn kinds_store_as_their_wire_names() {
        for k in [
            CaseKind::ReturnRefund,
            CaseKind::RefundOnly,
            CaseKind::Exchange,
            CaseKind::AfterSales,
            CaseKind::Care,
            CaseKind::Complaint,
            CaseKind::DeliveryInstallation,
        ] {
            assert_eq!(crate::to_wire(&k), k.as_str());
            assert_eq!(CaseKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn statuses_parse_back() {
        for s in ALL_STATUSES {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn k_3_k_4_remedies_say_what_travels() {
        assert!(!Remedy::Refund.goods_come_back());
        assert!(Remedy::Exchange.goods_come_back() && Remedy::Exchange.merchant_sends_back());
        assert!(Remedy::ReturnRefund.pays_refund() && !Remedy::Repair.pays_refund());
    }
}
