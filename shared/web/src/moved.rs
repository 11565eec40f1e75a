//! The answer of a route that moves a case's job or request to a new state.

/// The case and the state its job or request is in now; goods on their way name their parcel.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Moved<S> {
    pub case_id: uuid::Uuid,
    pub status: S,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
}

impl<S> Moved<S> {
    pub fn to(case_id: uuid::Uuid, status: S) -> Self {
        Self {
            case_id,
            status,
            tracking_number: None,
        }
    }

    /// The goods left with the parcel `tracking_number`.
    pub fn shipped(case_id: uuid::Uuid, status: S, tracking_number: String) -> Self {
        Self {
            tracking_number: Some(tracking_number),
            ..Self::to(case_id, status)
        }
    }
}
