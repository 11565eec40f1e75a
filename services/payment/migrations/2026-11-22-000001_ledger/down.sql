DROP TABLE compensations;
DROP TABLE recoveries;
DROP TABLE refunds;
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP FUNCTION ledger_immutable();
DROP FUNCTION ledger_check_balanced();
