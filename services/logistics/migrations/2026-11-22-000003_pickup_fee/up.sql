-- PK-8: the pickup fee and who pays which part: the buyer's freight insurance the first weight
-- of an insured online order, the buyer (at the door) the rest.
ALTER TABLE pickup_jobs ADD COLUMN first_weight_fee_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pickup_jobs ADD COLUMN extra_weight_fee_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pickup_jobs ADD COLUMN insurance_pays_fen   BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pickup_jobs ADD COLUMN buyer_pays_fen       BIGINT NOT NULL DEFAULT 0;
