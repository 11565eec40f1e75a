//! The answer of an operator's delivery: ratings (CR-1) and service cards (CARE-1) alike.

/// How many records the delivery stored.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Stored {
    pub(crate) stored: usize,
}
