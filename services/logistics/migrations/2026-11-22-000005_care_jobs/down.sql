DROP TABLE care_jobs;
