//! Topic names. Every topic is keyed by case id and partitioned by city shard (CT-3).

/// intake → audit, and anyone: `case.opened`, `case.closed`.
pub const CASES: &str = "returns.cases.v1";
/// audit → logistics, intake: `case.approved`, `case.awaiting_merchant`, `case.rejected`.
pub const DECISIONS: &str = "returns.decisions.v1";
/// intake → logistics only: `courier_job.ordered`, the one event with an address and a phone
/// number (issue 4, PII). Shorter retention than the others belongs here in production.
pub const COURIER_JOBS: &str = "returns.courier-jobs.v1";
/// logistics → payment, intake: `pickup.*`.
pub const PICKUPS: &str = "returns.pickups.v1";
/// payment → intake: `refund.paid`, `recovery.opened`.
pub const PAYMENTS: &str = "returns.payments.v1";
/// Records a consumer could not process, with the reason in headers and body.
pub const DEAD_LETTER: &str = "returns.dead-letter.v1";

/// Inbound, owned by the marketplace's order system: `order.*` (ORD-1), keyed by order id.
/// intake reads it; the platform never writes it (in development the harness plays the order
/// system, and provisioning creates it).
pub const ORDERS: &str = "marketplace.orders.v1";

/// Topics the platform reads but others own.
pub const INBOUND: [&str; 1] = [ORDERS];

/// Every topic the platform owns, for provisioning.
pub const ALL: [&str; 6] = [
    CASES,
    DECISIONS,
    COURIER_JOBS,
    PICKUPS,
    PAYMENTS,
    DEAD_LETTER,
];

/// What a development or test cluster creates: the platform's topics and the inbound ones the
/// harness plays the producer of.
pub fn for_development() -> Vec<&'static str> {
    ALL.iter().chain(INBOUND.iter()).copied().collect()
}
