-- A case may owe compensation under more than one rule (a K-4 case: AS-3 and a late courier's
-- PK-5); each is owed and paid once.
ALTER TABLE compensations DROP CONSTRAINT compensations_pkey;
ALTER TABLE compensations ADD PRIMARY KEY (case_id, owed_under);
