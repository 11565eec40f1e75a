-- CARE-1: a service card belongs to a line of one of the marketplace's orders; its buyer,
-- merchant, category and goods value are the order's (NULL only for cards from before).
ALTER TABLE service_cards ADD COLUMN order_id TEXT;
CREATE INDEX service_cards_order_line ON service_cards (order_id, order_line_id);
