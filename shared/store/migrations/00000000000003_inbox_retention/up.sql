-- The retention job deletes the oldest inbox rows first.
CREATE INDEX inbox_processed_at ON inbox (processed_at);
