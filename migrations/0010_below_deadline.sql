-- The deadline a grassroots committee sets for its cells' reports (the
-- campaign's cell_deadline when none), dd/mm/yyyy.
ALTER TABLE unit ADD COLUMN below_deadline TEXT;
