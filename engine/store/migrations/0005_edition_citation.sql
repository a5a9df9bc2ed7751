-- How a source line names an edition, e.g. "World Bank WDI (2025 edition)"; NULL: by its label.
ALTER TABLE store.editions ADD COLUMN citation VARCHAR;

CREATE OR REPLACE VIEW main.editions AS
SELECT edition, released, description, citation, created_at FROM store.editions;
