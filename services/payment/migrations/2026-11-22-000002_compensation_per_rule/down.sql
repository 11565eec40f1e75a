ALTER TABLE compensations DROP CONSTRAINT compensations_pkey;
ALTER TABLE compensations ADD PRIMARY KEY (case_id);
