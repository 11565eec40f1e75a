UPDATE cases SET status_rank = status_rank - 3
 WHERE kind IN ('return_refund', 'exchange', 'after_sales')
   AND status = 'awaiting_buyer_shipment';
UPDATE cases SET status_rank = status_rank + 1
 WHERE kind IN ('return_refund', 'exchange', 'after_sales')
   AND status IN ('pickup_scheduled', 'pickup_dispatched', 'pickup_escalated');
