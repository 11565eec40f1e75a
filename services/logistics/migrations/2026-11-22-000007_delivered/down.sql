ALTER TABLE pickup_jobs DROP COLUMN delivered_at;
