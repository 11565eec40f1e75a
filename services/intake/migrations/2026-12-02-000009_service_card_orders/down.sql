DROP INDEX service_cards_order_line;
ALTER TABLE service_cards DROP COLUMN order_id;
