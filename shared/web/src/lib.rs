//! The HTTP edge every service shares: errors as RFC 9457 `application/problem+json` naming the
//! field at fault, and JSON bodies parsed strictly (unknown fields refused).

mod fields;
mod json;
mod moved;
mod page;
pub mod pii;
mod problem;
pub mod schema;
mod store_failure;

pub use fields::{carrier, check_id, phone_number, readable_text, tracking_number};
pub use json::{json_config, parse_json, path_config, path_uuid, query_config};
pub use moved::Moved;
pub use page::{Page, next_cursor, page_size};
pub use problem::Problem;
pub use store_failure::store_unavailable;
