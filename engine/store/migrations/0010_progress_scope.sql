-- Progress that agrees with itself: each progress row names the scope of its target level and
-- whether that level is the one that applies to the economy or group (ictstat progress lists
-- only those by default), the target's measurement tolerance, the growth rates its ratio is
-- computed from (CAGRs, or logit growth for rising percentages) and the valid range its values
-- and model stay inside. The targets gain their tolerance. Rows computed before this migration
-- count as applying until `ictstat compute` runs again.

ALTER TABLE store.progress ADD COLUMN scope VARCHAR;                -- world, developing, ldc, lldc, sids or economy
ALTER TABLE store.progress ADD COLUMN applies BOOLEAN;              -- this level is the one that applies to the entity
ALTER TABLE store.progress ADD COLUMN tolerance DOUBLE;             -- a value missing the level by no more than this meets it
ALTER TABLE store.progress ADD COLUMN growth_scale VARCHAR;         -- cagr or logit: the scale of growth and required_growth
ALTER TABLE store.progress ADD COLUMN growth DOUBLE;                -- observed growth, baseline to latest, on growth_scale
ALTER TABLE store.progress ADD COLUMN required_growth DOUBLE;       -- the growth that reaches the level by the deadline
ALTER TABLE store.progress ADD COLUMN valid_min DOUBLE;             -- the valid range of the values assessed; NULL where open
ALTER TABLE store.progress ADD COLUMN valid_max DOUBLE;

-- DuckDB refuses several columns added with defaults to a table with rows in one transaction,
-- so the rows computed before are filled in by an update.
UPDATE store.progress SET applies = true, tolerance = 0;

CREATE OR REPLACE VIEW main.progress AS SELECT * FROM store.progress;

ALTER TABLE store.targets ADD COLUMN tolerance DOUBLE;              -- the target's measurement tolerance

UPDATE store.targets SET tolerance = 0;

CREATE OR REPLACE VIEW main.targets AS SELECT * FROM store.targets;
