DROP TABLE parcels_awaiting_order;
DROP TABLE refund_orders;
