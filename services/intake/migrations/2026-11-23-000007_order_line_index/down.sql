DROP INDEX cases_by_order_line;
