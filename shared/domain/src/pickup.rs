//! Door pickup: CT-2 (coverage), PK-1 (the dispatch window), PK-3/PK-7 (arrival deadline),
//! PK-8 (who pays the pickup fee).

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::{Fen, Policy, RuleId, SizeClass};

/// When a courier is sent and when it must be at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupPlan {
    /// True when the request fell inside the window and the courier is sent now (PK-1).
    pub dispatch_now: bool,
    pub dispatch_at: DateTime<Utc>,
    /// PK-3: dispatch plus 2 h (small) or 4 h (large).
    pub arrive_by: DateTime<Utc>,
}

/// CT-2: door pickup exists only in covered cities; elsewhere the buyer ships the parcel.
pub fn door_pickup_offered(city_covered: bool) -> Result<(), RuleId> {
    if city_covered {
        Ok(())
    } else {
        Err(RuleId::Ct2)
    }
}

/// PK-1 and PK-3: plan a pickup requested at `now` in a city whose local time is
/// `utc_offset_minutes` ahead of UTC.
pub fn plan(
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
    size: SizeClass,
    policy: &Policy,
) -> PickupPlan {
    let dispatch_at = next_dispatch_time(now, utc_offset_minutes, policy);
    let hours = match size {
        SizeClass::Small => policy.arrival_hours_small,
        SizeClass::Large => policy.arrival_hours_large,
    };
    PickupPlan {
        dispatch_now: dispatch_at == now,
        dispatch_at,
        arrive_by: dispatch_at + Duration::hours(hours),
    }
}

/// PK-1: `now` if local time is within [start, end), else the next window's start.
fn next_dispatch_time(
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
    policy: &Policy,
) -> DateTime<Utc> {
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).unwrap_or(Utc.fix());
    let local = now.with_timezone(&offset);
    let start = NaiveTime::from_hms_opt(policy.pickup_window_start_hour, 0, 0).unwrap_or_default();
    let end = if policy.pickup_window_end_hour >= 24 {
        NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap_or_default()
    } else {
        NaiveTime::from_hms_opt(policy.pickup_window_end_hour, 0, 0).unwrap_or_default()
    };
    let t = local.time();
    if t >= start && t < end {
        return now;
    }
    let day = if t < start {
        local.date_naive()
    } else {
        local.date_naive() + Duration::days(1)
    };
    offset
        .from_local_datetime(&day.and_time(start))
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now)
}

/// PK-8: the pickup fee and who pays which part of it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    utoipa::ToSchema,
)]
pub struct PickupFee {
    /// The first-weight part (every parcel).
    pub first_weight_fen: Fen,
    /// The continued-weight part (large items).
    pub extra_weight_fen: Fen,
    /// Paid to the courier company by the buyer's freight-insurance claim.
    pub insurance_pays_fen: Fen,
    /// Collected from the buyer at the door.
    pub buyer_pays_fen: Fen,
}

/// PK-8: the first weight is covered by the buyer's freight insurance when the order was paid
/// online and insured; the buyer pays the rest, or all of it without that insurance.
pub fn fee(size: SizeClass, paid_online: bool, insured: bool, policy: &Policy) -> PickupFee {
    let first = Fen(policy.pickup_first_weight_fee_fen);
    let extra = match size {
        SizeClass::Small => Fen::ZERO,
        SizeClass::Large => Fen(policy.pickup_large_extra_fee_fen),
    };
    let insurance = if paid_online && insured {
        first
    } else {
        Fen::ZERO
    };
    PickupFee {
        first_weight_fen: first,
        extra_weight_fen: extra,
        insurance_pays_fen: insurance,
        buyer_pays_fen: Fen(first.0 + extra.0 - insurance.0),
    }
}

/// PK-2: when the partner courier company must have accepted a job dispatched at
/// `dispatched_at`.
pub fn accept_deadline(dispatched_at: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    dispatched_at + Duration::minutes(policy.courier_accept_minutes)
}

/// What happens to a job its courier company did not accept in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unaccepted {
    /// PK-9: offer it to the next partner of the city.
    NextPartner(String),
    /// PK-9: no partner is left; customer service takes over.
    EscalateToCs,
}

/// PK-9: the partner after `current` in the city's list of partners (in preference order).
pub fn after_unaccepted(partners: &[String], current: &str) -> Unaccepted {
    let next = partners
        .iter()
        .position(|p| p == current)
        .and_then(|i| partners.get(i + 1));
    match next {
        Some(p) => Unaccepted::NextPartner(p.clone()),
        None => Unaccepted::EscalateToCs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CST: i32 = 8 * 60;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn pk_8_insurance_covers_the_first_weight_of_an_insured_online_order() {
        let p = Policy::default();
        let insured = fee(SizeClass::Small, true, true, &p);
        assert_eq!(
            insured.insurance_pays_fen,
            Fen(p.pickup_first_weight_fee_fen)
        );
        assert_eq!(insured.buyer_pays_fen, Fen::ZERO);
        let large = fee(SizeClass::Large, true, true, &p);
        assert_eq!(large.buyer_pays_fen, Fen(p.pickup_large_extra_fee_fen));
        for (online, ins) in [(false, true), (true, false), (false, false)] {
            let f = fee(SizeClass::Small, online, ins, &p);
            assert_eq!(
                f.insurance_pays_fen,
                Fen::ZERO,
                "online {online}, insured {ins}"
            );
            assert_eq!(f.buyer_pays_fen, f.first_weight_fen);
        }
    }

    #[test]
    fn pk_1_inside_window_dispatches_at_once() {
        let now = utc("2026-11-20T10:30:00+08:00");
        let p = plan(now, CST, SizeClass::Small, &Policy::default());
        assert!(p.dispatch_now);
        assert_eq!(p.dispatch_at, now);
    }

    #[test]
    fn pk_1_evening_request_waits_for_next_morning() {
        let now = utc("2026-11-20T20:00:00+08:00");
        let p = plan(now, CST, SizeClass::Small, &Policy::default());
        assert!(!p.dispatch_now);
        assert_eq!(p.dispatch_at, utc("2026-11-21T09:00:00+08:00"));
    }

    #[test]
    fn pk_1_early_morning_request_waits_for_same_day_window() {
        let now = utc("2026-11-20T06:59:00+08:00");
        let p = plan(now, CST, SizeClass::Small, &Policy::default());
        assert_eq!(p.dispatch_at, utc("2026-11-20T09:00:00+08:00"));
    }

    #[test]
    fn pk_3_pk_7_small_items_two_hours_large_four() {
        let now = utc("2026-11-20T11:00:00+08:00");
        let small = plan(now, CST, SizeClass::Small, &Policy::default());
        let large = plan(now, CST, SizeClass::Large, &Policy::default());
        assert_eq!(small.arrive_by - now, Duration::hours(2));
        assert_eq!(large.arrive_by - now, Duration::hours(4));
    }

    #[test]
    fn pk_2_partner_has_five_minutes_to_accept() {
        let at = utc("2026-11-20T10:00:00+08:00");
        assert_eq!(
            accept_deadline(at, &Policy::default()) - at,
            Duration::minutes(5)
        );
    }

    #[test]
    fn pk_9_next_partner_then_customer_service() {
        let partners = vec!["sf-express".to_owned(), "jd-logistics".to_owned()];
        assert_eq!(
            after_unaccepted(&partners, "sf-express"),
            Unaccepted::NextPartner("jd-logistics".into())
        );
        assert_eq!(
            after_unaccepted(&partners, "jd-logistics"),
            Unaccepted::EscalateToCs
        );
        assert_eq!(
            after_unaccepted(&[], "sf-express"),
            Unaccepted::EscalateToCs
        );
    }

    #[test]
    fn ct_2_no_door_pickup_outside_coverage() {
        assert_eq!(door_pickup_offered(false), Err(RuleId::Ct2));
        assert_eq!(door_pickup_offered(true), Ok(()));
    }
}
