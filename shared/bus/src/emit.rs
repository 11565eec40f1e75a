//! Emitting an event: the one place its envelope is filled in (a fresh id, its type, version
//! and topic, the case, the producer, the time, the current span as its cause). The record
//! key and partition follow from the case when it is staged ([`crate::stage`]).

use chrono::{DateTime, Utc};
use returns_events::{Envelope, Event};
use uuid::Uuid;

use crate::{BusError, Outgoing};

/// The case an event is about and where it lives: its city shard picks the partition (CT-3).
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub case_id: Uuid,
    pub city: &'a str,
    pub shard: &'a str,
}

/// A follow-up is about the same case as its cause.
impl<'a> From<&'a Envelope> for About<'a> {
    fn from(e: &'a Envelope) -> Self {
        About {
            case_id: e.case_id,
            city: &e.city,
            shard: &e.shard,
        }
    }
}

impl<'a> From<&About<'a>> for About<'a> {
    fn from(a: &About<'a>) -> Self {
        *a
    }
}

/// A service emitting at one moment of its clock.
#[derive(Debug, Clone, Copy)]
pub struct Emitter<'a> {
    producer: &'a str,
    now: DateTime<Utc>,
}

impl<'a> Emitter<'a> {
    pub fn new(producer: &'a str, now: DateTime<Utc>) -> Self {
        Emitter { producer, now }
    }

    /// When its events occur.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// `payload` about `case`, bound for the topic its type travels on.
    pub fn emit<'c, E: Event>(
        &self,
        case: impl Into<About<'c>>,
        payload: &E,
    ) -> Result<Outgoing, BusError> {
        let c = case.into();
        let envelope = Envelope::new(
            Uuid::now_v7(),
            c.case_id,
            c.city,
            c.shard,
            self.now,
            self.producer,
            payload,
        )?;
        Ok(Outgoing::new(E::TOPIC, envelope))
    }
}
