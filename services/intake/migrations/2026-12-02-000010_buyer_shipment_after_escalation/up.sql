-- PK-9: customer service may switch an escalated pickup to the buyer shipping it, so on the
-- return, exchange and after-sales paths `awaiting_buyer_shipment` now comes after the pickup
-- statuses (shared/domain machine.rs). Stored ranks follow the new order.
UPDATE cases SET status_rank = status_rank - 1
 WHERE kind IN ('return_refund', 'exchange', 'after_sales')
   AND status IN ('pickup_scheduled', 'pickup_dispatched', 'pickup_escalated');
UPDATE cases SET status_rank = status_rank + 3
 WHERE kind IN ('return_refund', 'exchange', 'after_sales')
   AND status = 'awaiting_buyer_shipment';
