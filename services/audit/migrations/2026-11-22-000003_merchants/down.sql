DROP TABLE merchant_standing;
DROP TABLE merchant_programme;
