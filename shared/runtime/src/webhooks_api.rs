//! The webhook routes of the service that sends a role's events (merchants: audit; courier
//! companies: logistics): subscribe (`PUT /{role}/webhook`), read the subscription and its
//! delivery log; and the operator's view of the whole log (`GET /operator/webhooks/deliveries`).

use actix_web::{HttpResponse, web};
use returns_auth::{As, Courier, Merchant, Operator, Role, RoleOf};
use returns_web::{Problem, parse_json};
use returns_webhooks::{Delivery, Subscription};
use serde::{Deserialize, Serialize};

use crate::AppContext;

/// Which role's subscribers a service serves, the event types they may choose, and how to find
/// an event's subscriber.
#[derive(Clone, Copy)]
pub struct Webhooks {
    pub role: Role,
    pub events: &'static [&'static str],
    pub owner_of: returns_webhooks::OwnerOf,
}

/// A subscriber's request: where to deliver and which event types.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubscribeRequest {
    /// An `https://` (or, in development, `http://`) URL that accepts POSTs.
    #[schema(max_length = 2000, pattern = "^https?://[!-~]*$")]
    pub url: String,
    /// Event types to receive; see the route's description for those allowed.
    #[schema(min_items = 1, max_items = 50)]
    pub events: Vec<String>,
    /// Issue a new signing secret (the old one stops signing at once).
    #[serde(default)]
    pub rotate_secret: bool,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogQuery {
    /// Only this subscriber's deliveries (`merchant:m-1`, `courier:sf-express`).
    #[serde(default)]
    #[param(pattern = "^(merchant|courier):[A-Za-z0-9_-]{1,64}$")]
    pub owner: Option<String>,
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The subscription as stored; `secret` only in the answer that issued it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Subscribed {
    owner: String,
    url: String,
    events: Vec<String>,
    /// The signing secret (whsec_...), shown once; null when the old one still signs.
    secret: Option<String>,
}

/// A page of the delivery log, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DeliveryLog {
    deliveries: Vec<Delivery>,
}

/// A subscriber's page of its own log (no `owner`: it reads only its own).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OwnLogQuery {
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    pub limit: Option<i64>,
}

fn owner<R: RoleOf>(caller: &As<R>) -> String {
    format!("{}:{}", R::ROLE, caller.id)
}

/// A subscriber as the log names it: its role and id (`merchant:m-1`).
fn check_owner(owner: &str) -> Result<(), Problem> {
    let named = owner.split_once(':').is_some_and(|(role, id)| {
        matches!(role, "merchant" | "courier") && returns_web::check_id("owner", id).is_ok()
    });
    if named {
        Ok(())
    } else {
        Err(Problem::invalid(
            "owner",
            "a subscriber: merchant: or courier: and its id (1-64 letters, digits, '-' or '_')",
        ))
    }
}

fn check_url(url: &str) -> Result<(), Problem> {
    // Visible ASCII only: anything else in a URL is percent-encoded.
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2000
        && url.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(Problem::invalid(
            "url",
            "an http(s) URL of at most 2000 visible ASCII characters (no spaces)",
        ))
    }
}

async fn subscribe<R: RoleOf>(
    caller: As<R>,
    ctx: web::Data<AppContext>,
    hooks: web::Data<Webhooks>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let req: SubscribeRequest = parse_json(&body)?;
    check_url(&req.url)?;
    if req.events.is_empty() || req.events.len() > 50 {
        return Err(Problem::invalid("events", "1 to 50 event types"));
    }
    if let Some((i, bad)) = req
        .events
        .iter()
        .enumerate()
        .find(|(_, e)| !hooks.events.contains(&e.as_str()))
    {
        return Err(Problem::invalid(
            format!("events[{i}]"),
            format!(
                "{bad:?} is not an event you can receive here; allowed: {}",
                hooks.events.join(", ")
            ),
        ));
    }
    let mut conn = ctx.conn().await?;
    let (sub, secret) = returns_webhooks::subscribe(
        &mut conn,
        &owner(&caller),
        &req.url,
        &req.events,
        req.rotate_secret,
        ctx.clock.now(),
    )
    .await?;
    // The secret is shown once, when it is issued.
    Ok(HttpResponse::Ok().json(Subscribed {
        owner: sub.owner,
        url: sub.url,
        events: sub.event_types,
        secret,
    }))
}

async fn subscription<R: RoleOf>(
    caller: As<R>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let sub = returns_webhooks::subscription_of(&mut conn, &owner(&caller))
        .await?
        .ok_or_else(|| Problem::not_found("webhook subscription"))?;
    Ok(HttpResponse::Ok().json(sub))
}

async fn own_log<R: RoleOf>(
    caller: As<R>,
    ctx: web::Data<AppContext>,
    q: web::Query<OwnLogQuery>,
) -> Result<HttpResponse, Problem> {
    log(ctx, Some(owner(&caller)), q.limit).await
}

async fn log(
    ctx: web::Data<AppContext>,
    owner: Option<String>,
    limit: Option<i64>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows = returns_webhooks::deliveries(&mut conn, owner.as_deref(), limit).await?;
    Ok(HttpResponse::Ok().json(DeliveryLog { deliveries: rows }))
}

/// `GET /operator/webhooks/deliveries`: the whole log, or one subscriber's.
#[utoipa::path(get, path = "/operator/webhooks/deliveries", tag = "operator", params(LogQuery),
    responses((status = 200, description = "The delivery log, newest first", body = DeliveryLog)))]
pub(crate) async fn operator_log(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    q: web::Query<LogQuery>,
) -> Result<HttpResponse, Problem> {
    let q = q.into_inner();
    if let Some(o) = &q.owner {
        check_owner(o)?;
    }
    log(ctx, q.owner, q.limit).await
}

/// One role's webhook routes, annotated for the OpenAPI document.
macro_rules! front {
    ($module:ident, $role:ident, $put:literal, $get:literal, $log:literal, $tag:literal) => {
        pub(crate) mod $module {
            use super::*;

            #[utoipa::path(put, path = $put, tag = $tag, request_body = SubscribeRequest,
                responses((status = 200, description = "The subscription; `secret` (whsec_...) only when issued", body = Subscribed)))]
            pub(crate) async fn put(
                caller: As<$role>,
                ctx: web::Data<AppContext>,
                hooks: web::Data<Webhooks>,
                body: web::Bytes,
            ) -> Result<HttpResponse, Problem> {
                subscribe(caller, ctx, hooks, body).await
            }

            #[utoipa::path(get, path = $get, tag = $tag,
                responses((status = 200, description = "The subscription", body = Subscription)))]
            pub(crate) async fn get(
                caller: As<$role>,
                ctx: web::Data<AppContext>,
            ) -> Result<HttpResponse, Problem> {
                subscription(caller, ctx).await
            }

            #[utoipa::path(get, path = $log, tag = $tag, params(OwnLogQuery),
                responses((status = 200, description = "The subscriber's deliveries, newest first", body = DeliveryLog)))]
            pub(crate) async fn deliveries(
                caller: As<$role>,
                ctx: web::Data<AppContext>,
                q: web::Query<OwnLogQuery>,
            ) -> Result<HttpResponse, Problem> {
                own_log(caller, ctx, q).await
            }

            #[derive(utoipa::OpenApi)]
            #[openapi(paths(put, get, deliveries, super::operator_log))]
            pub(crate) struct Doc;

            pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
                let mut table = crate::RouteTable::default();
                table.add::<__path_put>(|| web::to(put));
                table.add::<__path_get>(|| web::to(get));
                table.add::<__path_deliveries>(|| web::to(deliveries));
                table.add::<super::__path_operator_log>(|| web::to(super::operator_log));
                table.serve(cfg);
            }
        }
    };
}

front!(
    merchant,
    Merchant,
    "/merchant/webhook",
    "/merchant/webhook",
    "/merchant/webhook/deliveries",
    "merchant"
);
front!(
    courier,
    Courier,
    "/courier/webhook",
    "/courier/webhook",
    "/courier/webhook/deliveries",
    "courier"
);

/// The routes of `hooks.role` and the data they read, if the service sends webhooks.
pub(crate) fn routes(hooks: Option<Webhooks>, cfg: &mut web::ServiceConfig) {
    let Some(hooks) = hooks else {
        return;
    };
    cfg.app_data(web::Data::new(hooks));
    match hooks.role {
        Role::Merchant => merchant::routes(cfg),
        Role::Courier => courier::routes(cfg),
        _ => {}
    }
}

/// Their OpenAPI paths, `events` naming the event types this service's subscribers may choose.
pub(crate) fn doc(hooks: Option<Webhooks>) -> Option<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi as _;
    let hooks = hooks?;
    let mut doc = match hooks.role {
        Role::Merchant => merchant::Doc::openapi(),
        Role::Courier => courier::Doc::openapi(),
        _ => return None,
    };
    allow_events(&mut doc, hooks.events);
    Some(doc)
}

/// The items of `SubscribeRequest.events`: one of `events`.
fn allow_events(doc: &mut utoipa::openapi::OpenApi, events: &[&str]) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, ObjectBuilder, Schema, Type};
    let subscribe = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("SubscribeRequest"));
    let Some(RefOr::T(Schema::Object(subscribe))) = subscribe else {
        return;
    };
    if let Some(RefOr::T(Schema::Array(list))) = subscribe.properties.get_mut("events") {
        let one_of = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(events.iter().copied()));
        list.items = ArrayItems::RefOrSchema(Box::new(one_of.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_is_a_subscriber_role_and_an_id() {
        assert!(check_owner("merchant:m-1").is_ok());
        assert!(check_owner("courier:sf-express").is_ok());
        assert!(check_owner("buyer:b-1").is_err());
        assert!(check_owner("merchant:").is_err());
        assert!(check_owner(&format!("merchant:{}", "0".repeat(65))).is_err());
    }

    #[test]
    fn a_url_is_http_and_visible_ascii() {
        assert!(check_url("https://shop.example/hooks?x=1").is_ok());
        assert!(check_url("ftp://shop.example").is_err());
        assert!(check_url("https://shop.example/a b").is_err());
        assert!(check_url("https://shop.example/ü").is_err());
    }
}
