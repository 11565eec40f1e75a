//! MP-1, MP-2: the worry-free programme's registry. `POST /merchants/{id}/programme` joins or
//! leaves; AUTO-1 reads membership from here when it decides.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_domain::programme::{self, Membership};
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::merchant_programme;

/// The merchant's membership, if it ever joined.
pub(crate) async fn membership(
    conn: &mut AsyncPgConnection,
    merchant: &str,
) -> QueryResult<Option<Membership>> {
    let row: Option<(bool, Option<DateTime<Utc>>, bool)> = merchant_programme::table
        .find(merchant)
        .select((
            merchant_programme::member,
            merchant_programme::left_at,
            merchant_programme::left_freight_insurance,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        row.map(|(member, left_at, left_freight_insurance)| Membership {
            member,
            left_at,
            left_freight_insurance,
        }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Join,
    Leave,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeRequest {
    action: Action,
    /// MP-2: leaving also ends the seller-paid freight insurance of its agreement.
    #[serde(default)]
    left_freight_insurance: bool,
    /// ORD-4: on joining, the warehouse returns go to (where no city has its own address).
    #[serde(default)]
    warehouse: Option<crate::return_address::AddressRequest>,
}

/// Written by hand, as one of two bodies, because the fields depend on `action`: joining may
/// name the warehouse (ORD-4) and leaves no freight insurance; leaving may end the freight
/// insurance (MP-2) and names no warehouse.
impl utoipa::PartialSchema for ProgrammeRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{closed, named, null};
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        let warehouse = OneOfBuilder::new()
            .item(null())
            .item(Ref::from_schema_name("AddressRequest"))
            .description(Some(
                "ORD-4: the warehouse returns go to (where no city has its own address).",
            ));
        let join = closed()
            .property("action", named(["join"]))
            .required("action")
            .property(
                "left_freight_insurance",
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .enum_values(Some([false])),
            )
            .property("warehouse", warehouse);
        let leave = closed()
            .property("action", named(["leave"]))
            .required("action")
            .property(
                "left_freight_insurance",
                ObjectBuilder::new().schema_type(Type::Boolean).description(Some(
                    "MP-2: leaving also ends the seller-paid freight insurance of its agreement.",
                )),
            )
            .property("warehouse", null());
        OneOfBuilder::new()
            .item(join)
            .item(leave)
            .description(Some(
                "The shop joins or leaves the worry-free programme (MP-1, MP-2).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ProgrammeRequest {
    fn schemas(
        out: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        returns_web::schema::register::<crate::return_address::AddressRequest>(out);
    }
}

/// Where the shop stands in the programme after the change.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Programme {
    Member,
    Left,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct MembershipAnswer {
    merchant_id: String,
    programme: Programme,
}

/// `POST /merchant/programme`: the shop joins or leaves the programme.
#[utoipa::path(post, path = "/merchant/programme", tag = "merchant", request_body = ProgrammeRequest, responses((status = 200, description = "The shop's membership (MP-1, MP-2)", body = MembershipAnswer)))]
pub(crate) async fn change(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let merchant = caller.id;
    let req: ProgrammeRequest = parse_json(&body)?;
    if matches!(req.action, Action::Join) && req.left_freight_insurance {
        return Err(Problem::invalid(
            "left_freight_insurance",
            "only a merchant leaving the programme leaves the freight insurance",
        ));
    }
    let warehouse = match (&req.action, &req.warehouse) {
        (Action::Leave, Some(_)) => {
            return Err(Problem::invalid(
                "warehouse",
                "a warehouse is named when joining the programme",
            ));
        }
        (_, Some(w)) => Some(crate::return_address::check(w, "warehouse")?),
        (_, None) => None,
    };
    let now = ctx.clock.now();
    let policy = ctx.settings.policy.clone();
    let m = merchant.clone();
    let status = ctx
        .write(async move |conn| {
            let current = membership(conn, &m).await?;
            let (member, answer) = match req.action {
                Action::Join => {
                    programme::may_join(current.as_ref(), now, &policy)
                        .map_err(Problem::conflict)?;
                    (true, Programme::Member)
                }
                Action::Leave => {
                    programme::may_leave(current.as_ref()).map_err(Problem::conflict)?;
                    (false, Programme::Left)
                }
            };
            if member {
                diesel::insert_into(merchant_programme::table)
                    .values((
                        merchant_programme::merchant_id.eq(&m),
                        merchant_programme::member.eq(true),
                        merchant_programme::joined_at.eq(now),
                        merchant_programme::updated_at.eq(now),
                    ))
                    .on_conflict(merchant_programme::merchant_id)
                    .do_update()
                    .set((
                        merchant_programme::member.eq(true),
                        merchant_programme::joined_at.eq(now),
                        merchant_programme::left_freight_insurance.eq(false),
                        merchant_programme::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                if let Some(w) = &warehouse {
                    crate::return_address::keep(conn, &m, crate::return_address::WAREHOUSE, w, now)
                        .await?;
                }
            } else {
                diesel::update(merchant_programme::table.find(&m))
                    .set((
                        merchant_programme::member.eq(false),
                        merchant_programme::left_at.eq(now),
                        merchant_programme::left_freight_insurance.eq(req.left_freight_insurance),
                        merchant_programme::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(answer)
        })
        .await?;
    tracing::info!(merchant = %merchant, status = ?status, "programme membership changed (MP-1)");
    Ok(HttpResponse::Ok().json(MembershipAnswer {
        merchant_id: merchant,
        programme: status,
    }))
}
