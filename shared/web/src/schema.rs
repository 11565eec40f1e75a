//! Schemas of fields many bodies share, written where a derive cannot say it (constraints on
//! the items of a list), so the documents declare what `fields.rs` enforces.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, Type};

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

/// Words a person reads: 1 to `most` characters, not only spaces (as `readable_text` checks).
pub fn readable(most: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(most))
        .pattern(Some("\\S"))
}

/// A string that is one of `names`.
pub fn named<S: Into<String>>(names: impl IntoIterator<Item = S>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names.into_iter().map(Into::into)))
}

/// An object that takes no property but those it names (`deny_unknown_fields`).
pub fn closed() -> ObjectBuilder {
    ObjectBuilder::new().additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// JSON's `null`: an optional field a body may leave out or send as null.
pub fn null() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Null)
}

/// An id as the platform's systems write them (as `check_id` checks).
pub fn id() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(64))
        .pattern(Some("^[A-Za-z0-9_-]+$"))
}

/// Adds `T` and the schemas it refers to, for a hand-written schema that refers to `T` by name
/// (a derive does this itself).
pub fn register<T: utoipa::ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}
