-- The refund total of an order line (no refund above what was paid, across a buyer's requests)
-- is read on every new request: without this index it scanned every case (found with
-- pg_stat_statements under the benchmark: 0.9 ms a request at 4,000 cases, growing with the table).
CREATE INDEX cases_by_order_line ON cases (order_line_id);
