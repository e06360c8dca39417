-- The cards' round trip: every hand-over of cards, photos and written
-- accounts, the Standing Committee's decision and the Board's stamping,
-- as records appended in order. Where each card is, is what the records
-- say in turn (src/campaign/cards/); no statement of kttdv updates or
-- deletes a record.
CREATE TABLE card_record (
    campaign TEXT NOT NULL REFERENCES campaign (code),
    number BIGINT NOT NULL,          -- 1, 2, … in the campaign: a hand-over record's number
    kind TEXT NOT NULL,              -- collect, up, down, give-back, decision, stamping
    unit TEXT NOT NULL,              -- the unit whose cards move (the lower one); the Board's for its own work
    body TEXT NOT NULL,              -- JSON: who, when, which cards
    login TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (campaign, number)
);
