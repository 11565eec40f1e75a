//! Schemas of fields many bodies share, written where a derive cannot say it (constraints on
//! the items of a list), so the documents declare what `fields.rs` enforces.

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

/// Evidence references (photos, documents): at most 10, each 1-300 characters.
pub fn references() -> Schema {
    references_of(0)
}

/// Evidence references where some are needed: 1 to 10, each 1-300 characters.
pub fn one_to_ten_references() -> Schema {
    references_of(1)
}

fn references_of(min: usize) -> Schema {
    let item = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(300))
        .pattern(Some("\\S"));
    Schema::Array(
        ArrayBuilder::new()
            .items(item)
            .min_items(Some(min))
            .max_items(Some(10))
            .build(),
    )
}
