//! logistics' route table, one front per role: courier companies list the jobs dispatched to
//! them and report accept (PK-2), call and arrival (PK-3) and pickup with the tracking number
//! (PK-4); buyers read their pickup, enter their own tracking number (CT-2) and complain about a
//! rider (PK-6); merchants send goods back and report care (CARE-4) and delivery (WF-3) steps;
//! operators read coverage (CT-1) and the figures per courier and rider.
//! Only the table: each handler lives in its feature module, and its `#[utoipa::path]` is
//! the one place its method and path are written.

use crate::{
    care_jobs, care_steps, courier_complaints, courier_steps, delivery_jobs, escalated,
    pickup_reads, pickup_slot, report, self_ship, send_back,
};

returns_runtime::api! {
    pickup_reads::list_jobs,
    courier_steps::accept,
    courier_steps::call,
    courier_steps::arrive,
    courier_steps::pickup,
    courier_steps::deliver,
    pickup_reads::buyer_pickup,
    pickup_reads::cs_pickup,
    escalated::desk,
    escalated::act,
    pickup_reads::coverage,
    pickup_slot::book,
    self_ship::enter_tracking,
    courier_complaints::file,
    send_back::send_back,
    care_jobs::view,
    care_steps::report,
    delivery_jobs::report,
    report::operator_report,
}
