//! Latency figures from the buyers' timelines (timestamps written by the services' clocks).

use chrono::{DateTime, Utc};
use serde_json::Value;

/// p50 / p99 / max of a set of durations in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub count: usize,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

impl Stats {
    pub fn of(mut ms: Vec<f64>) -> Stats {
        if ms.is_empty() {
            return Stats::default();
        }
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
        Stats {
            count: ms.len(),
            p50: at(0.5),
            p99: at(0.99),
            max: ms[ms.len() - 1],
        }
    }

    pub fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} |",
            self.count, self.p50, self.p99, self.max
        )
    }
}

/// When the case reached each timeline status.
pub fn time_of(view: &Value, status: &str) -> Option<DateTime<Utc>> {
    view["timeline"]
        .as_array()?
        .iter()
        .find(|e| e["status"] == status)
        .and_then(|e| e["at"].as_str())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn ms_between(view: &Value, from: &str, to: &str) -> Option<f64> {
    Some((time_of(view, to)? - time_of(view, from)?).num_microseconds()? as f64 / 1000.0)
}

/// The three stages the issue measures, over the cases that reached them.
pub struct Stages {
    pub request_to_approval: Stats,
    pub tracking_to_refund: Stats,
    pub request_to_closed: Stats,
}

pub fn stages(views: &[Value]) -> Stages {
    let pick = |from: &str, to: &str| {
        Stats::of(
            views
                .iter()
                .filter_map(|v| ms_between(v, from, to))
                .collect(),
        )
    };
    Stages {
        request_to_approval: pick("requested", "approved"),
        tracking_to_refund: pick("in_transit", "refunded"),
        request_to_closed: pick("requested", "closed"),
    }
}

pub const STAGE_HEADER: &str =
    "| stage | cases | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|";

impl Stages {
    pub fn table(&self) -> String {
        [
            STAGE_HEADER.to_owned(),
            self.request_to_approval.row("request → approval"),
            self.tracking_to_refund.row("tracking upload → refund paid"),
            self.request_to_closed.row("request → closed"),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_set() {
        let s = Stats::of((1..=100).map(f64::from).collect());
        assert_eq!((s.count, s.p50, s.p99, s.max), (100, 51.0, 99.0, 100.0));
        assert_eq!(Stats::of(vec![]).count, 0);
    }

    #[test]
    fn stage_times_come_from_the_timeline() {
        let v = serde_json::json!({ "timeline": [
            { "status": "requested", "at": "2026-11-20T02:00:00Z" },
            { "status": "approved", "at": "2026-11-20T02:00:00.250Z" },
        ]});
        let s = stages(&[v]);
        assert_eq!(s.request_to_approval.p50, 250.0);
        assert_eq!(s.tracking_to_refund.count, 0);
    }
}
