-- WF-2, WF-4: the guarantee a case claims and the evidence the buyer gave.
ALTER TABLE cases ADD COLUMN guarantee TEXT;
ALTER TABLE cases ADD COLUMN evidence JSONB NOT NULL DEFAULT '[]';
