-- The indicator catalogue gains what aggregation and progress need: polarity (which direction is
-- better), how a group's value is formed, and the weight of a weighted mean.
ALTER TABLE store.indicators ADD COLUMN polarity VARCHAR;
ALTER TABLE store.indicators ADD COLUMN aggregation VARCHAR;
ALTER TABLE store.indicators ADD COLUMN weight VARCHAR;

-- Each indicator with its codes across the ecosystem.
CREATE OR REPLACE VIEW main.indicators AS
SELECT i.code AS indicator, i.name, i.unit, i.unit_kind, i.min_value, i.max_value, i.polarity,
       i.aggregation, i.weight, i.custodian, i.sdg_indicator, i.core_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'itu') AS itu_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'wdi') AS wdi_code,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'sdg') AS sdg_series,
       (SELECT string_agg(c.code, '; ' ORDER BY c.code) FROM store.indicator_codes c WHERE c.indicator_id = i.indicator_id AND c.scheme = 'ddf') AS ddf_concept,
       i.description
FROM store.indicators i;
