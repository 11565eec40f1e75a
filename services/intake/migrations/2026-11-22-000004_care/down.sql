ALTER TABLE cases DROP COLUMN rating_comment;
ALTER TABLE cases DROP COLUMN rating_stars;
ALTER TABLE cases DROP COLUMN care_outcome;
ALTER TABLE cases DROP COLUMN card_id;
DROP TABLE service_cards;
