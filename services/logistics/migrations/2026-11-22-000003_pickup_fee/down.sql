ALTER TABLE pickup_jobs DROP COLUMN buyer_pays_fen;
ALTER TABLE pickup_jobs DROP COLUMN insurance_pays_fen;
ALTER TABLE pickup_jobs DROP COLUMN extra_weight_fee_fen;
ALTER TABLE pickup_jobs DROP COLUMN first_weight_fee_fen;
