//! K-5 care orders at intake: opening one from a service card (CARE-1) with the evidence its
//! service needs (CARE-2), holding one of the card's services while the order is open. What
//! the outcome does to the card is `care_outcome`; the buyer's rating is `care_rating`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Buyer};
use returns_bus::stage;
use returns_domain::care::{self, CareService, ServiceCard};
use returns_domain::guarantee::Evidence;
use returns_domain::{
    CaseKind, CaseStatus, Category, CityCode, Fen, Rating, Remedy, ReturnReason, SizeClass,
};
use returns_events::payloads::{CareFacts, CaseFacts, CaseOpened};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use uuid::Uuid;

use crate::request::check_id;
use crate::schema::service_cards;
use crate::service_cards::{HeldCard, card_for_update};
use crate::store::{self, CaseRow, NewTimelineRow};
use returns_domain::to_wire;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CareOrderRequest {
    // CARE-1: opened from the care-service order (its card) ...
    #[serde(default)]
    card_id: Option<String>,
    // ... or from the purchased order's line the card was sold with.
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    order_line_id: Option<String>,
    service: CareService,
    city: String,
    pickup_address: crate::request::Address,
    #[serde(default)]
    evidence: Vec<Evidence>,
}

/// Written by hand, as one of two bodies, because CARE-1 opens a care order from its card or
/// from the purchased order's line, never both (the other side absent or null).
impl utoipa::PartialSchema for CareOrderRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{id, null};
        use utoipa::openapi::schema::OneOfBuilder;
        let from_card = care_order_body()
            .property(
                "card_id",
                id().description(Some("CARE-1: the care-service order's card")),
            )
            .required("card_id")
            .property("order_id", null())
            .property("order_line_id", null());
        let from_line = care_order_body()
            .property("card_id", null())
            .property(
                "order_id",
                id().description(Some("The purchased order the card was sold with")),
            )
            .required("order_id")
            .property("order_line_id", id().description(Some("Its line")))
            .required("order_line_id");
        OneOfBuilder::new()
            .item(from_card)
            .item(from_line)
            .description(Some("A care order on a service card (CARE-1, CARE-2)."))
            .into()
    }
}

impl utoipa::ToSchema for CareOrderRequest {
    fn schemas(
        out: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use returns_web::schema::register;
        register::<CareService>(out);
        register::<crate::request::Address>(out);
        register::<Evidence>(out);
    }
}

/// What every care order names besides its card: the service, where to collect, evidence.
fn care_order_body() -> utoipa::openapi::schema::ObjectBuilder {
    use utoipa::openapi::Ref;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    returns_web::schema::closed()
        .property("service", Ref::from_schema_name("CareService"))
        .required("service")
        .property(
            "city",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[a-z][a-z-]{0,38}[a-z]$")),
        )
        .required("city")
        .property("pickup_address", Ref::from_schema_name("Address"))
        .required("pickup_address")
        .property(
            "evidence",
            ArrayBuilder::new()
                .items(Ref::from_schema_name("Evidence"))
                .max_items(Some(10)),
        )
}

/// CARE-1: which card the buyer opens the care order on, as the body names it.
fn card_source(r: &CareOrderRequest) -> Result<crate::service_cards::CardSource, Problem> {
    use crate::service_cards::CardSource;
    match (&r.card_id, &r.order_id, &r.order_line_id) {
        (Some(card), None, None) => {
            check_id("card_id", card)?;
            Ok(CardSource::Card(card.clone()))
        }
        (None, Some(order), Some(line)) => {
            check_id("order_id", order)?;
            check_id("order_line_id", line)?;
            Ok(CardSource::OrderLine(order.clone(), line.clone()))
        }
        (None, Some(_), None) => Err(Problem::invalid(
            "order_line_id",
            "CARE-1: a care order opened from the purchased order names its line",
        )),
        (Some(_), _, _) => Err(Problem::invalid(
            "order_id",
            "CARE-1: name the card or the purchased order's line, not both",
        )),
        (None, None, _) => Err(Problem::invalid(
            "card_id",
            "CARE-1: name the service card, or the purchased order and line it was sold with",
        )),
    }
}

/// `POST /buyer/care-orders`: CARE-1 (card, validity, services left), CARE-2 (evidence).
#[utoipa::path(post, path = "/buyer/care-orders", tag = "buyer", request_body = CareOrderRequest, responses((status = 201, description = "The care order, opened", body = crate::open_case::Opened)))]
pub(crate) async fn open(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let r: CareOrderRequest = parse_json(&body)?;
    let buyer_id = buyer.id;
    let source = card_source(&r)?;
    let city = CityCode::parse(&r.city)?;
    let address = crate::request::check_address(&r.pickup_address, "pickup_address")?;
    needed_evidence(&r, &ctx.settings.policy)?;
    let now = ctx.clock.now();
    let shard = ctx.cities.shard_of(city.as_str()).to_owned();
    let app = ctx.get_ref().clone();
    let mut conn = ctx.conn().await?;
    let stars = store::rating_of(&mut conn, &buyer_id).await?.unwrap_or(1);
    let rating = Rating::new(stars)?;
    drop(conn);
    let id = ctx
        .write(async move |conn| {
            let (card_id, card) = held_card(conn, &buyer_id, &source, r.service, now).await?;
            let id = Uuid::now_v7();
            returns_runtime::tag_case(&root, &id, city.as_str(), &shard);
            let facts = facts_of(&card, &card_id, &r, rating, now);
            let row = row_of(id, &facts, &card, city.as_str(), &shard)?;
            let total = card.services_total;
            store::insert_case(conn, &row).await?;
            // CARE-8: held, not used, until the service is performed.
            diesel::update(service_cards::table.find(&card_id))
                .set(service_cards::services_reserved.eq(service_cards::services_reserved + 1))
                .execute(conn)
                .await?;
            let about = returns_bus::About {
                case_id: id,
                city: city.as_str(),
                shard: &shard,
            };
            let opened = app.emitter(now).emit(
                about,
                &CaseOpened {
                    facts,
                    door_pickup: true,
                },
            )?;
            let given = crate::contacts::given(&app.emitter(now), about, CaseKind::Care, &address)?;
            store::add_timeline(conn, &first_line(&opened.envelope, total, now)).await?;
            stage(conn, &app.cities, &[opened, given]).await?;
            Ok(id)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/buyer/cases/{id}")))
        .json(crate::open_case::Opened::requested(id)))
}

/// CARE-2: the evidence kinds the service needs (`policy.care_evidence`), each given.
fn needed_evidence(r: &CareOrderRequest, policy: &returns_domain::Policy) -> Result<(), Problem> {
    let missing = care::missing_evidence(r.service, &r.evidence, policy);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Problem::invalid(
        "evidence",
        format!(
            "CARE-2: this service needs evidence of kind: {}",
            missing.join(", ")
        ),
    ))
}

/// CARE-1: the buyer's card named by `source`, locked, if it may open `service` now.
async fn held_card(
    conn: &mut diesel_async::AsyncPgConnection,
    buyer_id: &str,
    source: &crate::service_cards::CardSource,
    service: CareService,
    now: DateTime<Utc>,
) -> Result<(String, HeldCard), Problem> {
    let no_card = || Problem::not_found("service card");
    let card_id = crate::service_cards::card_id_of(conn, buyer_id, source)
        .await?
        .ok_or_else(no_card)?;
    let card = card_for_update(conn, &card_id).await?.ok_or_else(no_card)?;
    // Someone else's card answers exactly like a missing one.
    if card.buyer_id != buyer_id {
        return Err(no_card());
    }
    let sc = ServiceCard {
        services: serde_json::from_value(card.services.clone())?,
        valid_until: card.valid_until,
        services_total: card.services_total,
        services_used: card.services_used,
        services_reserved: card.services_reserved,
    };
    care::may_open(&sc, service, now).map_err(|(field, why)| Problem::invalid(field, why))?;
    Ok((card_id, card))
}

/// The buyer's first line: the order is in, one of the card's services held (CARE-1, CARE-8).
fn first_line(opened: &returns_events::Envelope, total: i32, now: DateTime<Utc>) -> NewTimelineRow {
    NewTimelineRow {
        case_id: opened.case_id,
        event_id: opened.event_id,
        event_type: opened.event_type.clone(),
        status: Some(CaseStatus::Requested),
        rule_id: Some("CARE-1".to_owned()),
        reason: format!(
            "Care order received; one of {total} services on your card is held for it."
        ),
        at: now,
    }
}

/// K-5: the facts of a care order, every one read from the card the platform issued (CARE-1),
/// none from the body but the service, the evidence and the address.
fn facts_of(
    card: &HeldCard,
    card_id: &str,
    r: &CareOrderRequest,
    rating: Rating,
    now: DateTime<Utc>,
) -> CaseFacts {
    let value = Fen(card.goods_value_fen);
    CaseFacts {
        buyer_id: card.buyer_id.clone(),
        merchant_id: card.merchant_id.clone(),
        order_line_id: card.order_line_id.clone(),
        kind: CaseKind::Care,
        order_id: card.order_id.clone(),
        lines: Vec::new(),
        remedy: Remedy::Repair,
        reason: ReturnReason::CareService,
        category: Category::Luxury,
        size_class: SizeClass::Small,
        paid_amount_fen: value,
        refund_amount_fen: value,
        received_at: None,
        requested_at: now,
        merchant_shipped: false,
        paid_online: true,
        freight_insured: false,
        guarantee: None,
        evidence: r.evidence.clone(),
        care: Some(CareFacts {
            card_id: card_id.to_owned(),
            service: r.service,
            goods_value_fen: value,
            review_hours: card.review_hours,
            merchant_courier: card.merchant_courier.clone(),
        }),
        completed_at: None,
        delivery: None,
        buyer_rating: rating,
    }
}

/// The care order's row, as intake keeps every case.
fn row_of(
    id: Uuid,
    facts: &CaseFacts,
    card: &HeldCard,
    city: &str,
    shard: &str,
) -> Result<CaseRow, serde_json::Error> {
    Ok(CaseRow {
        id,
        buyer_id: facts.buyer_id.clone(),
        merchant_id: facts.merchant_id.clone(),
        order_line_id: facts.order_line_id.clone(),
        kind: CaseKind::Care,
        reason: to_wire(&facts.reason),
        category: to_wire(&facts.category),
        size_class: to_wire(&facts.size_class),
        city: city.to_owned(),
        shard: shard.to_owned(),
        paid_amount_fen: card.goods_value_fen,
        refund_amount_fen: card.goods_value_fen,
        buyer_rating: facts.buyer_rating.stars(),
        door_pickup: true,
        received_at: None,
        merchant_shipped: false,
        requested_at: facts.requested_at,
        status: CaseStatus::Requested,
        status_rank: 0,
        updated_at: facts.requested_at,
        remedy: to_wire(&Remedy::Repair),
        completed_at: None,
        intervention_requested_by: None,
        intervention_requested_at: None,
        guarantee: None,
        evidence: serde_json::to_value(&facts.evidence)?,
        card_id: facts.care.as_ref().map(|c| c.card_id.clone()),
        care_outcome: None,
        rating_stars: None,
        rating_comment: None,
        order_id: facts.order_id.clone(),
        return_address: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(card: Option<&str>, order: Option<&str>, line: Option<&str>) -> CareOrderRequest {
        let body = serde_json::json!({
            "card_id": card, "order_id": order, "order_line_id": line,
            "service": "cleaning", "city": "shanghai",
            "pickup_address": { "address": "1 Nanjing Road", "contact_phone": "13800000000" },
        });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a care order body: {e}"))
    }

    fn refused_field(r: &CareOrderRequest) -> Option<String> {
        card_source(r).err().and_then(|p| p.field)
    }

    #[test]
    fn care_1_a_care_order_names_its_card_or_its_order_line_not_both() {
        use crate::service_cards::CardSource;
        assert!(matches!(
            card_source(&asked(Some("c-1"), None, None)),
            Ok(CardSource::Card(c)) if c == "c-1"
        ));
        assert!(matches!(
            card_source(&asked(None, Some("o-1"), Some("l-1"))),
            Ok(CardSource::OrderLine(o, l)) if o == "o-1" && l == "l-1"
        ));
        let both = asked(Some("c-1"), Some("o-1"), Some("l-1"));
        assert_eq!(refused_field(&both), Some("order_id".into()));
        let no_line = asked(None, Some("o-1"), None);
        assert_eq!(refused_field(&no_line), Some("order_line_id".into()));
        assert_eq!(
            refused_field(&asked(None, None, None)),
            Some("card_id".into())
        );
        assert_eq!(
            refused_field(&asked(Some("c 1"), None, None)),
            Some("card_id".into())
        );
    }
}
