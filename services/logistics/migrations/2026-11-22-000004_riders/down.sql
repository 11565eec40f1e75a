DROP TABLE courier_complaints;
ALTER TABLE pickup_jobs DROP COLUMN called_at;
ALTER TABLE pickup_jobs DROP COLUMN rider_name;
ALTER TABLE pickup_jobs DROP COLUMN rider_id;
