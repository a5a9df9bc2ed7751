-- An open catalogue and the licences of editions.
--
-- Indicators say who defined them: 'ictstat' for the catalogue shipped with the program (which
-- users cannot change), 'user' for those `ictstat indicator define` added, with the file they
-- came from and when.
ALTER TABLE store.indicators ADD COLUMN defined_by VARCHAR DEFAULT 'ictstat';
ALTER TABLE store.indicators ADD COLUMN defined_in VARCHAR;
ALTER TABLE store.indicators ADD COLUMN defined_at TIMESTAMP;
UPDATE store.indicators SET defined_by = 'ictstat' WHERE defined_by IS NULL;

CREATE OR REPLACE VIEW main.indicators AS
SELECT i.code AS indicator, i.name, i.unit, i.unit_kind, i.min_value, i.max_value, i.polarity,
       i.aggregation, i.weight, i.custodian, i.sdg_indicator, i.core_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'itu') AS itu_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'wdi') AS wdi_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'sdg') AS sdg_series,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'ddf') AS ddf_concept,
       i.description, i.defined_by, i.defined_in, i.defined_at
FROM store.indicators i;

-- The terms the data of an edition are published under, e.g. "CC BY 4.0"; NULL when not known.
ALTER TABLE store.editions ADD COLUMN licence VARCHAR;

CREATE OR REPLACE VIEW main.editions AS
SELECT edition, released, description, citation, licence, created_at FROM store.editions;

-- The editions of the default data in databases built before this migration (editions.csv of
-- datasets/default says the same for new ones): only editions its files were loaded into.
UPDATE store.editions SET licence = CASE edition
    WHEN 'ITU DataHub 2025-12' THEN 'CC BY-NC-SA 3.0 IGO (ITU DataHub terms of use, https://datahub.itu.int/about); cite as: International Telecommunication Union, ITU DataHub, https://datahub.itu.int/ (accessed December 2025)'
    WHEN 'WDI 2025' THEN 'CC BY 4.0 (World Bank Terms of Use for Datasets, https://datacatalog.worldbank.org/public-licenses); attribute as: The World Bank: World Development Indicators, with the data source (ITU for the ICT series)'
    WHEN 'UN SDG database 2023-12' THEN 'the UN SDG Global Database''s own terms of use; the copy loaded, open-numbers/ddf--unstats--sdg_indicators, is published under CC BY 4.0'
    END
WHERE licence IS NULL
  AND edition IN ('ITU DataHub 2025-12', 'WDI 2025', 'UN SDG database 2023-12')
  AND edition_id IN (SELECT edition_id FROM store.batches WHERE file LIKE 'datasets/default/%');
