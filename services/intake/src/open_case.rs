//! `POST /buyer/cases`: a buyer opens a case on their own order (ORD-1..ORD-3, CR-3). The
//! order is locked while the case takes its units, so requests racing for a line's last unit
//! take turns and one of them is refused (PAY-6).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_auth::{As, Buyer};
use returns_bus::stage;
use returns_domain::{CaseKind, CaseStatus, Rating, Remedy};
use returns_events::Envelope;
use returns_events::payloads::{CaseFacts, CaseOpened};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use tracing::Instrument;
use uuid::Uuid;

use crate::opening::{Opening, open_on};
use crate::order_store::{self, CaseLineRow, OrderRow};
use crate::request::{Checked, OpenCaseRequest};
use crate::store::{self, CaseRow, NewTimelineRow};
use returns_domain::to_wire;

/// The case as opened; its decision follows on the timeline.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Opened {
    case_id: Uuid,
    status: CaseStatus,
}

impl Opened {
    pub(crate) fn requested(case_id: Uuid) -> Self {
        Self {
            case_id,
            status: CaseStatus::Requested,
        }
    }
}

#[utoipa::path(post, path = "/buyer/cases", tag = "buyer", request_body = OpenCaseRequest, responses((status = 201, description = "The case, opened", body = Opened)))]
pub(crate) async fn open_case(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let r: OpenCaseRequest = parse_json(&body)?;
    let checked = crate::request::check(&r, &ctx.settings.policy)?;
    let case_id = Uuid::now_v7();
    let span = tracing::info_span!("intake.open_case", case_id = %case_id, city = tracing::field::Empty, shard = tracing::field::Empty);
    async {
        let mut conn = ctx.conn().await?;
        // CR-1 / CR-3: the rating on file now is the one the case keeps; a buyer the rating
        // job has not rated yet has no privileges (1 star).
        let stars = store::rating_of(&mut conn, &buyer.id).await?.unwrap_or(1);
        let rating = Rating::new(stars)?;
        let app = ctx.get_ref().clone();
        let (root, buyer_id) = (&root, buyer.id.clone());
        ctx.write(async move |conn| {
            let ask = Ask {
                r: &r,
                checked: &checked,
                case_id,
                buyer_id,
                rating,
            };
            open_in(conn, &app, root, ask).await
        })
        .await?;
        tracing::info!("case opened");
        Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/buyer/cases/{case_id}")))
            .json(Opened::requested(case_id)))
    }
    .instrument(span)
    .await
}

/// What the buyer asked, with what intake knows of them.
struct Ask<'a> {
    r: &'a OpenCaseRequest,
    checked: &'a Checked<'a>,
    case_id: Uuid,
    buyer_id: String,
    rating: Rating,
}

/// The order locked, the request held against it, and the case written with its units, first
/// timeline line, contact, AS-2 wait and `case.opened`.
async fn open_in(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    root: &RootSpan,
    ask: Ask<'_>,
) -> Result<(), Problem> {
    let now = app.clock.now();
    // Someone else's order answers exactly like a missing one (ORD-2).
    let order = order_store::order_for_update(conn, &ask.r.order_id)
        .await?
        .filter(|o| o.buyer_id == ask.buyer_id)
        .ok_or_else(|| Problem::not_found("order"))?;
    let lines = order_store::lines_of(conn, &order.order_id).await?;
    let held = order_store::held_units(conn, &order.order_id).await?;
    let opening = open_on(
        ask.r,
        ask.checked,
        &order,
        &lines,
        &held,
        now,
        &app.settings.policy,
    )?;
    let shard = app.cities.shard_of(opening.city.as_str()).to_owned();
    returns_runtime::tag_case(root, &ask.case_id, opening.city.as_str(), &shard);
    tracing::Span::current().record("city", opening.city.as_str());
    tracing::Span::current().record("shard", shard.as_str());
    let facts = facts_of(&ask, &order, &opening, now);
    let row = case_row(&ask, &order, &opening, &facts, &shard, now);
    let about = returns_bus::About {
        case_id: ask.case_id,
        city: opening.city.as_str(),
        shard: &shard,
    };
    let opened = app.emitter(now).emit(
        about,
        &CaseOpened {
            door_pickup: opening.door_pickup.is_some() || opening.delivery.is_some(),
            facts,
        },
    )?;
    store::insert_case(conn, &row).await?;
    order_store::hold(conn, &held_rows(&ask, &order, &opening)).await?;
    store::add_timeline(conn, &first_line(&ask, &opened.envelope, now)).await?;
    let contact = opening
        .delivery
        .as_ref()
        .map(|(_, a)| a)
        .or(opening.door_pickup.as_ref());
    let given = contact
        .map(|c| crate::contacts::given(&app.emitter(now), about, row.kind, c))
        .transpose()?;
    if row.kind == CaseKind::AfterSales {
        // AS-2: customer service may be asked 72 hours from now.
        crate::intervention::start_wait(conn, &row, app).await?;
    }
    let out: Vec<_> = std::iter::once(opened).chain(given).collect();
    stage(conn, &app.cities, &out).await?;
    Ok(())
}

fn facts_of(ask: &Ask<'_>, order: &OrderRow, o: &Opening, now: DateTime<Utc>) -> CaseFacts {
    let r = ask.r;
    CaseFacts {
        buyer_id: ask.buyer_id.clone(),
        merchant_id: order.merchant_id.clone(),
        order_line_id: o.lines[0].order_line_id.clone(),
        kind: r.kind,
        order_id: Some(order.order_id.clone()),
        lines: o.lines.clone(),
        remedy: ask.checked.remedy,
        reason: r.reason,
        category: o.category,
        size_class: o.size_class,
        paid_amount_fen: o.value,
        refund_amount_fen: o.value,
        received_at: o.received_at,
        requested_at: now,
        merchant_shipped: o.merchant_shipped,
        paid_online: order.paid_online,
        freight_insured: order.freight_insured,
        guarantee: r.guarantee.clone(),
        evidence: r.evidence.clone(),
        delivery: o.delivery.as_ref().map(|(d, _)| d.clone()),
        care: None,
        completed_at: o.completed_at,
        buyer_rating: ask.rating,
    }
}

fn case_row(
    ask: &Ask<'_>,
    order: &OrderRow,
    o: &Opening,
    facts: &CaseFacts,
    shard: &str,
    now: DateTime<Utc>,
) -> CaseRow {
    CaseRow {
        id: ask.case_id,
        buyer_id: facts.buyer_id.clone(),
        merchant_id: facts.merchant_id.clone(),
        order_line_id: facts.order_line_id.clone(),
        kind: facts.kind,
        reason: to_wire(&facts.reason),
        category: to_wire(&facts.category),
        size_class: to_wire(&facts.size_class),
        city: o.city.to_string(),
        shard: shard.to_owned(),
        paid_amount_fen: o.value.0,
        refund_amount_fen: o.value.0,
        buyer_rating: ask.rating.stars(),
        door_pickup: o.door_pickup.is_some() || o.delivery.is_some(),
        received_at: o.received_at,
        merchant_shipped: o.merchant_shipped,
        requested_at: now,
        status: CaseStatus::Requested,
        status_rank: 0,
        updated_at: now,
        remedy: to_wire(&facts.remedy),
        completed_at: o.completed_at,
        intervention_requested_by: None,
        intervention_requested_at: None,
        guarantee: facts.guarantee.clone(),
        evidence: serde_json::to_value(&facts.evidence).unwrap_or_default(),
        card_id: None,
        care_outcome: None,
        rating_stars: None,
        rating_comment: None,
        order_id: Some(order.order_id.clone()),
        return_address: None,
    }
}

fn held_rows(ask: &Ask<'_>, order: &OrderRow, o: &Opening) -> Vec<CaseLineRow> {
    o.lines
        .iter()
        .map(|l| CaseLineRow {
            case_id: ask.case_id,
            order_id: order.order_id.clone(),
            line_id: l.order_line_id.clone(),
            quantity: l.quantity,
            amount_fen: l.amount_fen.0,
        })
        .collect()
}

fn first_line(ask: &Ask<'_>, opened: &Envelope, now: DateTime<Utc>) -> NewTimelineRow {
    let units: i32 = ask.r.lines.iter().map(|l| l.quantity).sum();
    let what = match (ask.r.kind, ask.checked.remedy) {
        (CaseKind::DeliveryInstallation, _) => "delivery",
        (_, Remedy::Exchange) => "exchange",
        (_, Remedy::Repair) => "repair",
        _ => "refund",
    };
    NewTimelineRow {
        case_id: ask.case_id,
        event_id: opened.event_id,
        event_type: opened.event_type.clone(),
        status: Some(CaseStatus::Requested),
        rule_id: Some("CR-3".to_owned()),
        reason: format!(
            "Request received for {units} unit(s) of order {} ({what}); your {} rating is kept for this case.",
            ask.r.order_id, ask.rating
        ),
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order_store::fixtures;
    use returns_domain::{Fen, Policy};

    use crate::order_store::fixtures::at;

    /// A return of one of the two units of line `l-1`, whose body names nothing but the order.
    fn asked() -> OpenCaseRequest {
        let body = serde_json::json!({
            "order_id": "o-1", "lines": [{ "order_line_id": "l-1", "quantity": 1 }],
            "kind": "return_refund", "reason": "did_not_like",
        });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a request body: {e}"))
    }

    #[test]
    fn ord_1_ord_3_the_case_its_units_and_its_row_take_their_facts_from_the_order() {
        let mut order = fixtures::order("delivered", at(3));
        (order.paid_online, order.freight_insured) = (false, true);
        let lines = vec![fixtures::line("apparel", 2, 19_900)];
        let (r, policy) = (asked(), Policy::default());
        let checked = crate::request::check(&r, &policy).unwrap_or_else(|p| panic!("{p:?}"));
        let o = open_on(&r, &checked, &order, &lines, &[], at(5), &policy)
            .unwrap_or_else(|p| panic!("{p:?}"));
        let rating = Rating::new(4).unwrap_or_else(|e| panic!("{e:?}"));
        let ask = Ask {
            r: &r,
            checked: &checked,
            case_id: Uuid::nil(),
            buyer_id: "b-1".into(),
            rating,
        };
        let facts = facts_of(&ask, &order, &o, at(5));
        assert_eq!(facts.merchant_id, "m-1");
        assert_eq!(facts.order_id.as_deref(), Some("o-1"));
        assert_eq!((facts.paid_online, facts.freight_insured), (false, true));
        assert_eq!(
            (facts.paid_amount_fen, facts.refund_amount_fen),
            (Fen(9_950), Fen(9_950))
        );
        assert_eq!(
            (facts.received_at, facts.requested_at),
            (Some(at(3)), at(5))
        );
        assert_eq!(facts.buyer_rating, rating);
        let held = held_rows(&ask, &order, &o);
        assert_eq!(held.len(), 1);
        assert_eq!((held[0].quantity, held[0].amount_fen), (1, 9_950));
        let row = case_row(&ask, &order, &o, &facts, "east", at(5));
        assert_eq!(
            (row.city.as_str(), row.shard.as_str()),
            ("shanghai", "east")
        );
        assert_eq!(
            (row.status, row.door_pickup),
            (CaseStatus::Requested, false)
        );
        assert_eq!(row.order_id.as_deref(), Some("o-1"));
    }
}
