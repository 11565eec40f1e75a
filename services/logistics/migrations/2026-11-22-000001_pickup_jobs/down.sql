DROP TABLE pickup_jobs;
