DROP VIEW merchant_standing;
CREATE TABLE merchant_standing AS
SELECT merchant_id,
       SUM(violation_points)::INTEGER AS violation_points,
       SUM(deposit_drawn_fen)::BIGINT AS deposit_drawn_fen,
       SUM(outstanding_recovery_fen)::BIGINT AS outstanding_recovery_fen,
       SUM(disputed_recovery_fen)::BIGINT AS disputed_recovery_fen,
       SUM(refunds)::BIGINT AS refunds,
       SUM(refund_seconds)::BIGINT AS refund_seconds
FROM merchant_standing_slots GROUP BY merchant_id;
ALTER TABLE merchant_standing ADD PRIMARY KEY (merchant_id);
DROP TABLE merchant_standing_slots;
