-- The courier company reports the collected parcel delivered to the merchant (issue 4).
ALTER TABLE pickup_jobs ADD COLUMN delivered_at TIMESTAMPTZ;
