DROP TABLE send_backs;
DROP TABLE buyer_shipments;
