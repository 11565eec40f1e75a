DROP TABLE merchant_return_addresses;
