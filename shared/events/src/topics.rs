//! Topic names. Every topic is keyed by case id and partitioned by city shard (CT-3).

/// intake → audit, and anyone: `case.opened`, `case.closed`.
pub const CASES: &str = "returns.cases.v1";
/// audit → logistics, intake: `case.approved`, `case.awaiting_merchant`, `case.rejected`.
pub const DECISIONS: &str = "returns.decisions.v1";
/// logistics → payment, intake: `pickup.*`.
pub const PICKUPS: &str = "returns.pickups.v1";
/// payment → intake: `refund.paid`, `recovery.opened`.
pub const PAYMENTS: &str = "returns.payments.v1";
/// Records a consumer could not process, with the reason in headers and body.
pub const DEAD_LETTER: &str = "returns.dead-letter.v1";

/// Every topic the platform owns, for provisioning.
pub const ALL: [&str; 5] = [CASES, DECISIONS, PICKUPS, PAYMENTS, DEAD_LETTER];
