ALTER TABLE cases DROP COLUMN return_address;
ALTER TABLE cases DROP COLUMN order_id;
DROP TABLE case_lines;
DROP TABLE order_lines;
DROP TABLE orders;
