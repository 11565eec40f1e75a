ALTER TABLE cases DROP COLUMN evidence;
ALTER TABLE cases DROP COLUMN guarantee;
