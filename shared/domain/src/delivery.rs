//! K-7, WF-3: delivery into the home and scheduled installation, for home furnishing and
//! appliances.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};

use crate::{Category, Policy};

/// WF-3: the categories with delivery and installation.
pub fn offered_for(category: Category) -> bool {
    matches!(
        category,
        Category::HomeFurnishing | Category::LargeAppliance | Category::SmallAppliance
    )
}

/// The booked slot on the buyer's preferred day, in the city's local service hours (the
/// pickup window's hours).
pub fn slot(
    day: NaiveDate,
    utc_offset_minutes: i32,
    policy: &Policy,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).unwrap_or(Utc.fix());
    let at = |hour: u32| {
        let t = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
        offset
            .from_local_datetime(&day.and_time(t))
            .single()
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_time(t).and_utc())
    };
    let start = at(policy.pickup_window_start_hour);
    let end = if policy.pickup_window_end_hour >= 24 {
        at(0) + Duration::days(1)
    } else {
        at(policy.pickup_window_end_hour)
    };
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wf_3_home_furnishing_and_appliances_are_delivered_and_installed() {
        assert!(offered_for(Category::HomeFurnishing));
        assert!(offered_for(Category::LargeAppliance));
        assert!(!offered_for(Category::Apparel));
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let (start, end) = slot(day, 8 * 60, &Policy::default());
        assert_eq!(
            start.to_rfc3339(),
            "2026-12-03T01:00:00+00:00",
            "09:00 in China"
        );
        assert_eq!(end - start, Duration::hours(11));
    }
}
