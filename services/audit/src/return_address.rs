//! ORD-4: where a merchant's returns go. The merchant names a warehouse on enrolment and may
//! name an address per city; an approved return carries the one for its case's city.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_domain::CityCode;
use returns_events::payloads::ReturnAddress;
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};

use crate::schema::merchant_return_addresses as mra;

/// The city key of the warehouse: the address for every city without its own.
pub(crate) const WAREHOUSE: &str = "*";

/// A return address as a merchant gives it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddressRequest {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub recipient: String,
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub address: String,
    #[schema(pattern = "^\\+?[0-9]{6,20}$")]
    pub contact_phone: String,
    /// The warehouse's own city (for the buyer's label).
    #[schema(pattern = "^[a-z][a-z-]{0,38}[a-z]$")]
    pub city: String,
}

/// One city's return address.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CityAddress {
    /// The cases' city this address serves.
    #[schema(pattern = "^[a-z][a-z-]{0,38}[a-z]$")]
    pub serves: String,
    pub to: AddressRequest,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReturnAddressesRequest {
    /// Where returns from cities without their own address go.
    pub warehouse: AddressRequest,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub cities: Vec<CityAddress>,
}

/// Where a shop's returns go: its warehouse, and the cities with an address of their own.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ReturnAddresses {
    merchant_id: String,
    /// None until the shop names one.
    warehouse: Option<ReturnAddress>,
    cities: Vec<CityReturnAddress>,
}

/// The return address of one city's cases.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CityReturnAddress {
    serves: String,
    address: ReturnAddress,
}

/// A return address checked, naming the field that is wrong.
pub(crate) fn check(a: &AddressRequest, prefix: &str) -> Result<ReturnAddress, Problem> {
    returns_web::readable_text(
        &format!("{prefix}.recipient"),
        &a.recipient,
        "who receives returns",
    )?;
    returns_web::readable_text(
        &format!("{prefix}.address"),
        &a.address,
        "the street address",
    )?;
    returns_web::phone_number(&format!("{prefix}.contact_phone"), &a.contact_phone)?;
    let city = CityCode::parse(&a.city)
        .map_err(|e| Problem::invalid(format!("{prefix}.city"), e.message))?;
    Ok(ReturnAddress {
        recipient: a.recipient.clone(),
        address: a.address.clone(),
        city: city.to_string(),
        contact_phone: a.contact_phone.clone(),
    })
}

/// Stores the merchant's address for `serves` (a city, or the warehouse).
pub(crate) async fn keep(
    conn: &mut AsyncPgConnection,
    merchant: &str,
    serves: &str,
    a: &ReturnAddress,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(mra::table)
        .values((
            mra::merchant_id.eq(merchant),
            mra::city.eq(serves),
            mra::recipient.eq(&a.recipient),
            mra::address.eq(&a.address),
            mra::address_city.eq(&a.city),
            mra::contact_phone.eq(&a.contact_phone),
            mra::updated_at.eq(now),
        ))
        .on_conflict((mra::merchant_id, mra::city))
        .do_update()
        .set((
            mra::recipient.eq(excluded(mra::recipient)),
            mra::address.eq(excluded(mra::address)),
            mra::address_city.eq(excluded(mra::address_city)),
            mra::contact_phone.eq(excluded(mra::contact_phone)),
            mra::updated_at.eq(excluded(mra::updated_at)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A stored row: the city it serves, and the address.
type Row = (String, String, String, String, String);

fn columns() -> (
    mra::city,
    mra::recipient,
    mra::address,
    mra::address_city,
    mra::contact_phone,
) {
    (
        mra::city,
        mra::recipient,
        mra::address,
        mra::address_city,
        mra::contact_phone,
    )
}

fn row_to_address((_, recipient, address, city, contact_phone): Row) -> ReturnAddress {
    ReturnAddress {
        recipient,
        address,
        city,
        contact_phone,
    }
}

/// ORD-4: the merchant's return address for a case in `city`: the city's own, else the
/// warehouse; `None` when the merchant named none.
pub(crate) async fn for_city(
    conn: &mut AsyncPgConnection,
    merchant: &str,
    city: &str,
) -> QueryResult<Option<ReturnAddress>> {
    let rows: Vec<Row> = mra::table
        .filter(mra::merchant_id.eq(merchant))
        .filter(mra::city.eq_any([city, WAREHOUSE]))
        .select(columns())
        .load(conn)
        .await?;
    let pick = rows
        .iter()
        .find(|r| r.0 == city)
        .or_else(|| rows.iter().find(|r| r.0 == WAREHOUSE))
        .cloned();
    Ok(pick.map(row_to_address))
}

/// `PUT /merchant/return-addresses`: the warehouse and any per-city addresses, replacing the
/// earlier ones.
#[utoipa::path(put, path = "/merchant/return-addresses", tag = "merchant", request_body = ReturnAddressesRequest, responses((status = 200, description = "The addresses returns now go to (ORD-4)", body = ReturnAddresses)))]
pub(crate) async fn put(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let req: ReturnAddressesRequest = parse_json(&body)?;
    let warehouse = check(&req.warehouse, "warehouse")?;
    if req.cities.len() > 500 {
        return Err(Problem::invalid("cities", "at most 500 city addresses"));
    }
    let mut cities = Vec::with_capacity(req.cities.len());
    for (i, c) in req.cities.iter().enumerate() {
        let serves = CityCode::parse(&c.serves)
            .map_err(|e| Problem::invalid(format!("cities[{i}].serves"), e.message))?;
        cities.push((serves.to_string(), check(&c.to, &format!("cities[{i}]"))?));
    }
    let now = ctx.clock.now();
    let merchant = caller.id;
    let m = merchant.clone();
    ctx.write(async move |conn| {
        diesel::delete(mra::table.filter(mra::merchant_id.eq(&m)))
            .execute(conn)
            .await?;
        keep(conn, &m, WAREHOUSE, &warehouse, now).await?;
        for (serves, a) in &cities {
            keep(conn, &m, serves, a, now).await?;
        }
        Ok(())
    })
    .await?;
    list_of(&ctx, merchant).await
}

/// `GET /merchant/return-addresses`: where the shop's returns go.
#[utoipa::path(get, path = "/merchant/return-addresses", tag = "merchant", responses((status = 200, description = "The shop's warehouse and city addresses (ORD-4)", body = ReturnAddresses)))]
pub(crate) async fn get(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    list_of(&ctx, caller.id).await
}

async fn list_of(ctx: &AppContext, merchant: String) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let rows: Vec<Row> = mra::table
        .filter(mra::merchant_id.eq(&merchant))
        .order(mra::city.asc())
        .select(columns())
        .load(&mut conn)
        .await?;
    let mut warehouse = None;
    let mut cities = Vec::new();
    for row in rows {
        let serves = row.0.clone();
        let address = row_to_address(row);
        if serves == WAREHOUSE {
            warehouse = Some(address);
        } else {
            cities.push(CityReturnAddress { serves, address });
        }
    }
    Ok(HttpResponse::Ok().json(ReturnAddresses {
        merchant_id: merchant,
        warehouse,
        cities,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(phone: &str, city: &str) -> AddressRequest {
        AddressRequest {
            recipient: "Returns desk".into(),
            address: "8 Warehouse Road".into(),
            contact_phone: phone.into(),
            city: city.into(),
        }
    }

    #[test]
    fn ord_4_a_return_address_is_checked_naming_its_field() {
        let ok = check(&address("+8613800000000", "hangzhou"), "warehouse");
        assert_eq!(ok.ok().map(|a| a.city), Some("hangzhou".to_owned()));
        let field = |a: AddressRequest| check(&a, "cities[2].to").err().and_then(|p| p.field);
        assert_eq!(
            field(address("12", "hangzhou")),
            Some("cities[2].to.contact_phone".to_owned())
        );
        assert_eq!(
            field(address("13800000000", "-x")),
            Some("cities[2].to.city".to_owned())
        );
        let blank = AddressRequest {
            recipient: " ".into(),
            ..address("13800000000", "hangzhou")
        };
        assert_eq!(field(blank), Some("cities[2].to.recipient".to_owned()));
    }
}
