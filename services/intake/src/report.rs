//! OP: the operator's figures from intake's data: per city, how fast requests are approved
//! and refunds paid (AUTO-1's 0 seconds, PAY-2's 1 second, the fastest refund), and per
//! merchant the average time from request to refund.

use actix_web::{HttpResponse, web};
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::RunQueryDsl;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::Serialize;

/// One city's clocks (AUTO-1, PAY-2), in milliseconds.
#[derive(Debug, Serialize, diesel::QueryableByName, utoipa::ToSchema)]
pub(crate) struct CityFigures {
    #[diesel(sql_type = Text)]
    pub city: String,
    #[diesel(sql_type = BigInt)]
    pub cases: i64,
    #[diesel(sql_type = BigInt)]
    pub approved_at_once: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub approval_ms_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub approval_ms_p99: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub tracking_to_refund_ms_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub tracking_to_refund_ms_p99: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub request_to_refund_ms_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub request_to_refund_ms_min: Option<f64>,
}

/// One merchant's average time from request to refund.
#[derive(Debug, Serialize, diesel::QueryableByName, utoipa::ToSchema)]
pub(crate) struct MerchantFigures {
    #[diesel(sql_type = Text)]
    pub merchant_id: String,
    #[diesel(sql_type = BigInt)]
    pub refunds: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub average_request_to_refund_hours: Option<f64>,
}

/// The operator's figures from intake's data (OP).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OperatorReport {
    cities: Vec<CityFigures>,
    merchants: Vec<MerchantFigures>,
}

/// Each case's moments, from its timeline.
const MOMENTS: &str = "WITH m AS ( \
    SELECT c.city, c.merchant_id, c.id, \
      min(t.at) FILTER (WHERE t.status = 'requested') AS req, \
      min(t.at) FILTER (WHERE t.status = 'approved') AS appr, \
      bool_or(t.status = 'approved' AND t.rule_id = 'AUTO-1') AS auto, \
      min(t.at) FILTER (WHERE t.status = 'in_transit') AS tr, \
      min(t.at) FILTER (WHERE t.status = 'refunded') AS paid \
    FROM cases c JOIN case_timeline t ON t.case_id = c.id GROUP BY c.city, c.merchant_id, c.id)";

fn ms(a: &str, b: &str) -> String {
    format!("(extract(epoch FROM ({b} - {a})) * 1000)::float8")
}

#[utoipa::path(get, path = "/operator/reports/operator", tag = "operator", responses((status = 200, description = "The operator's figures (OP)", body = OperatorReport)))]
pub(crate) async fn operator_report(
    _: returns_auth::As<returns_auth::Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let cities_sql = format!(
        "{MOMENTS} SELECT city, count(*) AS cases, count(*) FILTER (WHERE auto) AS approved_at_once, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {a}) AS approval_ms_p50, \
           percentile_cont(0.99) WITHIN GROUP (ORDER BY {a}) AS approval_ms_p99, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {t}) AS tracking_to_refund_ms_p50, \
           percentile_cont(0.99) WITHIN GROUP (ORDER BY {t}) AS tracking_to_refund_ms_p99, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {r}) AS request_to_refund_ms_p50, \
           min({r}) AS request_to_refund_ms_min \
         FROM m GROUP BY city ORDER BY city",
        a = ms("req", "appr"),
        t = ms("tr", "paid"),
        r = ms("req", "paid"),
    );
    let cities: Vec<CityFigures> = diesel::sql_query(cities_sql).load(&mut conn).await?;
    let merchants_sql = format!(
        "{MOMENTS} SELECT merchant_id, count(paid) AS refunds, \
           avg(extract(epoch FROM (paid - req)) / 3600.0)::float8 AS average_request_to_refund_hours \
         FROM m WHERE paid IS NOT NULL GROUP BY merchant_id ORDER BY merchant_id"
    );
    let merchants: Vec<MerchantFigures> = diesel::sql_query(merchants_sql).load(&mut conn).await?;
    Ok(HttpResponse::Ok().json(OperatorReport { cities, merchants }))
}
