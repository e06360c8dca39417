-- Where a person is told what waits for them, when the service sends
-- e-mail; and the day (Vietnam's, dd/mm/yyyy) they were last reminded of
-- a deadline, so that a reminder goes once a day whatever restarts.
ALTER TABLE person ADD COLUMN email TEXT;
ALTER TABLE person ADD COLUMN reminded_on TEXT;
