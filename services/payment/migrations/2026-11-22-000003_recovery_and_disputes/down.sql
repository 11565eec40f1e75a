DROP TABLE disputes;
ALTER TABLE recoveries DROP COLUMN closing_transaction_id;
ALTER TABLE recoveries DROP COLUMN closed_at;
ALTER TABLE recoveries DROP COLUMN shard;
ALTER TABLE recoveries DROP COLUMN city;
ALTER TABLE recoveries DROP COLUMN buyer_id;
