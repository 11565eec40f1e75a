//! The events a service reads, as one enum per service, decoded once by the consumer.
//!
//! A service declares them with [`inbound!`](crate::inbound) and its `on_event` is one
//! exhaustive `match` over the enum: a type the service does not list is skipped (recorded in
//! the inbox, nothing else), a listed type whose payload does not read is dead-lettered.

use returns_events::{DecodeError, Envelope};

/// What [`inbound!`](crate::inbound) implements for a service's event enum.
pub trait Inbound: Sized + Send {
    /// The record as one of the service's events; `Ok(None)` for a type it does not read.
    fn read(topic: &str, envelope: &Envelope, raw: &[u8]) -> Result<Option<Self>, DecodeError>;
}

/// Declares a service's event enum: one variant per payload type it reads, named as the
/// type, and optionally `; orders => Variant` for the marketplace's order feed, whose
/// records carry their own envelope (ORD-1).
///
/// ```ignore
/// returns_bus::inbound! {
///     pub(crate) enum Inbound { CaseApproved, PickupCollected; orders => Order }
/// }
/// ```
#[macro_export]
macro_rules! inbound {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($ty:ident),+ $(,)? $(; orders => $orders:ident)? }
    ) => {
        $(#[$meta])*
        // Each event is decoded once and moved into its handler, never stored.
        #[allow(clippy::large_enum_variant)]
        $vis enum $name {
            $($ty($ty),)+
            $($orders($crate::inbound_support::OrderEnvelope),)?
        }

        impl $crate::Inbound for $name {
            fn read(
                topic: &str,
                envelope: &$crate::inbound_support::Envelope,
                raw: &[u8],
            ) -> Result<Option<Self>, $crate::inbound_support::DecodeError> {
                use $crate::inbound_support::Event as _;
                $(
                    if topic == $crate::inbound_support::ORDERS {
                        return $crate::inbound_support::OrderEnvelope::from_slice(raw)
                            .map(|o| Some(Self::$orders(o)));
                    }
                )?
                let _ = (topic, raw);
                Ok(Some(match envelope.event_type.as_str() {
                    $(t if t == $ty::TYPE => Self::$ty(envelope.decode::<$ty>()?),)+
                    _ => return Ok(None),
                }))
            }
        }
    };
}

/// What the macro's expansion names, so that a service needs no extra imports.
#[doc(hidden)]
pub mod inbound_support {
    pub use returns_events::orders::OrderEnvelope;
    pub use returns_events::topics::ORDERS;
    pub use returns_events::{DecodeError, Envelope, Event};
}
