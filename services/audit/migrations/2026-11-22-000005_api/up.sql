-- GET /merchant/cases pages through one shop's review queue.
CREATE INDEX decisions_awaiting_by_merchant ON decisions (merchant_id, case_id)
    WHERE status = 'awaiting_merchant';
