DROP INDEX complaints_order;
ALTER TABLE complaints DROP COLUMN order_id;
DROP TABLE orders;
