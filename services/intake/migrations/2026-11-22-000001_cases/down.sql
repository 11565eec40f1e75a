DROP TABLE case_timeline;
DROP TABLE cases;
DROP TABLE buyer_ratings;
