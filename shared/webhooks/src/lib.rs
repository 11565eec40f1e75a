//! Webhooks (issue 4): merchants and courier companies subscribe a URL to the event types they
//! want; each event for them is written to the delivery log in the transaction that publishes
//! it from the outbox (or, for events a service consumes, the one that consumes it), and the [`Deliverer`] actor POSTs it, signed
//! the Standard Webhooks way, retrying with exponential backoff until it is answered 2xx or
//! `max_attempts` is spent. Subscribers and operators read the log.

mod deliverer;
mod fan_out;
mod sign;
mod store;

pub use deliverer::Deliverer;
pub use fan_out::{FanOut, OwnerOf};
pub use sign::{new_secret, signature};
pub use store::{Delivery, Subscription, deliveries, enqueue, subscribe, subscription_of};

pub use returns_settings::WebhookSettings;

/// When attempt `attempt` (1-based) failed, the wait before the next one.
pub fn backoff(attempt: i32, s: &WebhookSettings) -> chrono::Duration {
    let exp = attempt.clamp(1, 30) - 1;
    let secs = s
        .first_retry_seconds
        .saturating_mul(1_i64 << exp)
        .min(s.max_retry_seconds);
    chrono::Duration::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let s = WebhookSettings {
            first_retry_seconds: 5,
            max_retry_seconds: 3600,
            max_attempts: 10,
            poll_ms: 100,
            timeout_ms: 1000,
        };
        let waits: Vec<i64> = (1..=12).map(|a| backoff(a, &s).num_seconds()).collect();
        assert_eq!(&waits[..5], &[5, 10, 20, 40, 80]);
        assert_eq!(waits[11], 3600);
    }
}
