//! CR-1: the operator loads the buyers' credit ratings (JSON or CSV), refused whole on a bad line.

use actix_web::{HttpRequest, HttpResponse, web};
use returns_auth::{As, Operator};
use returns_domain::Rating;
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::request::check_id;
use crate::store::{self};
use crate::stored::Stored;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RatingsImport {
    #[schema(max_items = 10000)]
    ratings: Vec<RatingLine>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RatingLine {
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    buyer_id: String,
    stars: Rating,
}

/// CR-1: the rating job delivers ratings; they apply to cases opened afterwards (CR-3).
#[utoipa::path(put, path = "/operator/ratings", tag = "operator", request_body = RatingsImport, responses((status = 200, description = "How many ratings were stored", body = Stored)))]
pub(crate) async fn put_ratings(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let is_csv = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let delivered = if is_csv {
        ratings_from_csv(&body)?
    } else {
        ratings_from_json(&body)?
    };
    if delivered.len() > 10_000 {
        return Err(Problem::invalid(
            "ratings",
            "at most 10000 ratings per delivery",
        ));
    }
    // The last line for a buyer wins within one delivery.
    let latest: std::collections::BTreeMap<String, i16> = delivered.into_iter().collect();
    let lines: Vec<(String, i16)> = latest.into_iter().collect();
    let now = ctx.clock.now();
    let n = ctx
        .write(async move |conn| {
            if lines.is_empty() {
                return Ok(0);
            }
            Ok(store::upsert_ratings(conn, &lines, now).await?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Stored { stored: n }))
}

fn ratings_from_json(body: &[u8]) -> Result<Vec<(String, i16)>, Problem> {
    let r: RatingsImport = parse_json(body)?;
    r.ratings
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            check_id(&format!("ratings[{i}].buyer_id"), &l.buyer_id)?;
            Ok((l.buyer_id, l.stars.stars()))
        })
        .collect()
}

/// CR-1: the rating job's file, as it writes it: a `buyer_id,stars` header, then one buyer a
/// line. A bad line is refused with its number; nothing of the file is stored then.
fn ratings_from_csv(body: &[u8]) -> Result<Vec<(String, i16)>, Problem> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Problem::malformed(None, "the file is not UTF-8 text"))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, header)) if header.trim() == "buyer_id,stars" => {}
        _ => {
            return Err(Problem::invalid(
                "line 1",
                "the first line must be the header buyer_id,stars",
            ));
        }
    }
    lines
        .map(|(i, line)| {
            let field = format!("line {}", i + 1);
            let (buyer, stars) = line
                .split_once(',')
                .ok_or_else(|| Problem::invalid(field.clone(), "expected buyer_id,stars"))?;
            let (buyer, stars) = (buyer.trim(), stars.trim());
            check_id(&field, buyer)?;
            let stars = stars
                .parse::<i16>()
                .ok()
                .and_then(|s| Rating::new(s).ok())
                .ok_or_else(|| {
                    Problem::invalid(
                        field.clone(),
                        format!("{stars:?} is not a rating; allowed: 1 to 5"),
                    )
                })?;
            Ok((buyer.to_owned(), stars.stars()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<Vec<(String, i16)>, Problem>) -> Option<String> {
        r.err().and_then(|p| p.field)
    }

    #[test]
    fn cr_1_a_csv_file_reads_buyer_and_stars_after_its_header() {
        let file = b"buyer_id,stars\nb-1,5\n\nb-2, 1\n";
        let read = ratings_from_csv(file).ok();
        assert_eq!(
            read,
            Some(vec![("b-1".to_owned(), 5), ("b-2".to_owned(), 1)])
        );
    }

    #[test]
    fn cr_1_a_csv_file_is_refused_whole_naming_the_bad_line() {
        assert_eq!(
            field_of(ratings_from_csv(b"b-1,5\n")).as_deref(),
            Some("line 1")
        );
        let bad_stars = b"buyer_id,stars\nb-1,5\nb-2,6\n";
        assert_eq!(
            field_of(ratings_from_csv(bad_stars)).as_deref(),
            Some("line 3")
        );
        let no_comma = b"buyer_id,stars\nb-1 5\n";
        assert_eq!(
            field_of(ratings_from_csv(no_comma)).as_deref(),
            Some("line 2")
        );
    }
}
