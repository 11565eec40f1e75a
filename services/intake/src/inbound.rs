//! The events intake reads from the other services and the order feed: every decision,
//! pickup and payment event the buyer sees on the case's timeline (`timeline::entry_for`).

use returns_events::payloads::{
    CancelRefused, CarePickupOverdue, CareProgress, CaseApproved, CaseAwaitingMerchant,
    CaseCancelled, CaseConverted, CaseRejected, CompensationPaid, DeliveryProgress,
    DeliveryScheduled, DisputeOpened, DisputeRuled, GoodsSentBack, ParcelShipped, PickupAccepted,
    PickupCancelled, PickupCollected, PickupDelivered, PickupDispatched, PickupEscalated,
    PickupLate, PickupNotOffered, PickupScheduled, PickupSwitchedToBuyer, RefundPaid,
    ReturnCheckFailed, ReturnCheckOverruled,
};

returns_bus::inbound! {
    /// What intake's consumer decodes each record into.
    pub(crate) enum Inbound {
        CaseApproved,
        CaseAwaitingMerchant,
        CaseRejected,
        PickupNotOffered,
        PickupScheduled,
        PickupDispatched,
        PickupEscalated,
        PickupSwitchedToBuyer,
        PickupCancelled,
        PickupAccepted,
        PickupCollected,
        ParcelShipped,
        GoodsSentBack,
        PickupDelivered,
        CaseCancelled,
        CancelRefused,
        DisputeOpened,
        DisputeRuled,
        CareProgress,
        CaseConverted,
        ReturnCheckFailed,
        ReturnCheckOverruled,
        DeliveryScheduled,
        DeliveryProgress,
        CarePickupOverdue,
        PickupLate,
        CompensationPaid,
        RefundPaid;
        orders => Order
    }
}
