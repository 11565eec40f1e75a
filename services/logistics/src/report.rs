//! OP and PK-6: courier service figures per company and area (city), and per rider by real
//! name: how fast partners accept (PK-2), how fast riders call (PK-3), how many arrive on time
//! (PK-3), how many were late (PK-5), and buyers' complaints.

use actix_web::{HttpResponse, web};
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::RunQueryDsl;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::Serialize;

/// One courier company's figures in one city (PK-2, PK-3, PK-5, PK-6).
#[derive(Debug, Serialize, diesel::QueryableByName, utoipa::ToSchema)]
pub(crate) struct CourierFigures {
    #[diesel(sql_type = Text)]
    pub courier_company: String,
    #[diesel(sql_type = Text)]
    pub city: String,
    #[diesel(sql_type = BigInt)]
    pub jobs: i64,
    #[diesel(sql_type = BigInt)]
    pub accepted: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub response_seconds_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub response_seconds_p99: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub arrived: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub on_time_rate: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub late: i64,
    #[diesel(sql_type = BigInt)]
    pub complaints: i64,
}

/// PK-6: the same figures for each rider, by real name.
#[derive(Debug, Serialize, diesel::QueryableByName, utoipa::ToSchema)]
pub(crate) struct RiderFigures {
    #[diesel(sql_type = Text)]
    pub courier_company: String,
    #[diesel(sql_type = Text)]
    pub rider_id: String,
    #[diesel(sql_type = Text)]
    pub rider_name: String,
    #[diesel(sql_type = Text)]
    pub city: String,
    #[diesel(sql_type = BigInt)]
    pub jobs: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub call_seconds_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub on_time_rate: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub late: i64,
    #[diesel(sql_type = BigInt)]
    pub complaints: i64,
}

/// logistics' part of the operator's figures (OP, PK-6).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CourierReport {
    couriers: Vec<CourierFigures>,
    riders: Vec<RiderFigures>,
}

#[utoipa::path(get, path = "/operator/reports/operator", tag = "operator", responses((status = 200, description = "Figures per courier, city and rider (OP, PK-6)", body = CourierReport)))]
pub(crate) async fn operator_report(
    _: returns_auth::As<returns_auth::Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let rows: Vec<CourierFigures> = diesel::sql_query(
        "SELECT courier_company, city, count(*) AS jobs, count(accepted_at) AS accepted, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (accepted_at - dispatched_at))::float8) AS response_seconds_p50, \
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM (accepted_at - dispatched_at))::float8) AS response_seconds_p99, \
           count(arrived_at) AS arrived, \
           (count(*) FILTER (WHERE arrived_at <= arrive_by))::float8 / NULLIF(count(arrived_at), 0) AS on_time_rate, \
           count(*) FILTER (WHERE late) AS late, \
           (SELECT count(*) FROM courier_complaints c WHERE c.courier_company = j.courier_company AND c.city = j.city) AS complaints \
         FROM pickup_jobs j GROUP BY courier_company, city ORDER BY courier_company, city",
    )
    .load(&mut conn)
    .await?;
    let riders: Vec<RiderFigures> = diesel::sql_query(
        "SELECT courier_company, rider_id, max(rider_name) AS rider_name, city, count(*) AS jobs, \
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (called_at - accepted_at))::float8) AS call_seconds_p50, \
           (count(*) FILTER (WHERE arrived_at <= arrive_by))::float8 / NULLIF(count(arrived_at), 0) AS on_time_rate, \
           count(*) FILTER (WHERE late) AS late, \
           (SELECT count(*) FROM courier_complaints c WHERE c.courier_company = j.courier_company AND c.rider_id = j.rider_id AND c.city = j.city) AS complaints \
         FROM pickup_jobs j WHERE rider_id IS NOT NULL \
         GROUP BY courier_company, rider_id, city ORDER BY courier_company, rider_id, city",
    )
    .load(&mut conn)
    .await?;
    Ok(HttpResponse::Ok().json(CourierReport {
        couriers: rows,
        riders,
    }))
}
