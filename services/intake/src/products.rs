//! WF-1: what a product page shows: which worry-free modules and guarantees a product of a
//! category has, read from the same policy that enforces them.

use actix_web::{HttpResponse, web};
use returns_domain::guarantee::Guarantee;
use returns_domain::guarantee::for_category;
use returns_domain::{Category, CityCode};
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServicesQuery {
    #[param(value_type = Category)]
    category: String,
    /// Fast return and door pickup depend on the city (CT-1); without one, shown as covered.
    #[serde(default)]
    #[param(pattern = "^[a-z][a-z-]{0,38}[a-z]$")]
    city: Option<String>,
}

/// What a product page shows of the worry-free services (WF-1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ProductServices {
    category: Category,
    modules: Modules,
    guarantees: Vec<Guarantee>,
}

/// The worry-free modules a product of the category has (WF-1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Modules {
    /// WF-3: delivery and installation.
    delivery_installation: bool,
    return_exchange: ReturnExchange,
    after_sales: AfterSales,
}

/// AUTO-1, PK-1: fast return and door pickup; without a city, as if it were covered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ReturnExchange {
    fast_return: bool,
    door_pickup: bool,
}

/// AS-1: the days after completion during which after-sales may be asked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AfterSales {
    days: i64,
}

/// `GET /buyer/products/services?category=…&city=…`.
#[utoipa::path(get, path = "/buyer/products/services", tag = "buyer", params(ServicesQuery), responses((status = 200, description = "The product's worry-free services (WF-1)", body = ProductServices)))]
pub(crate) async fn services(
    _: returns_auth::As<returns_auth::Buyer>,
    ctx: web::Data<AppContext>,
    q: web::Query<ServicesQuery>,
) -> Result<HttpResponse, Problem> {
    let category: Category = returns_domain::from_wire(&q.category).ok_or_else(|| {
        Problem::invalid(
            "category",
            "a product category such as apparel, fresh_food, phones, large_appliance",
        )
    })?;
    let covered = match &q.city {
        None => None,
        Some(c) => {
            let city = CityCode::parse(c)?;
            Some(ctx.cities.is_covered(city.as_str()))
        }
    };
    let policy = &ctx.settings.policy;
    let fast_return = !policy.auto_excluded_categories.contains(&category);
    let guarantees = for_category(&policy.guarantees, category);
    let covered = covered.unwrap_or(true);
    Ok(HttpResponse::Ok().json(ProductServices {
        category,
        modules: Modules {
            // WF-3: home furnishing and appliances (K-7 journeys are not opened yet).
            delivery_installation: matches!(
                category,
                Category::HomeFurnishing | Category::LargeAppliance | Category::SmallAppliance
            ),
            // AUTO-1..AUTO-3, PK-1: 0-second approval and door pickup where covered.
            return_exchange: ReturnExchange {
                fast_return: fast_return && covered,
                door_pickup: covered,
            },
            // AS-1: 15 days after completion.
            after_sales: AfterSales {
                days: policy.after_sales_days,
            },
        },
        guarantees: guarantees.into_iter().cloned().collect(),
    }))
}
