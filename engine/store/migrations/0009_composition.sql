-- Group compositions. A group's members can change from year to year (income groups by each World
-- Bank classification, LDCs as they graduate). By default `ictstat compute` applies one
-- composition to every year, the current one (as the World Bank's WDI and ITU's Facts and Figures
-- do), so that a group's series is a trend of the same economies; `--composition historical` uses
-- each year's composition instead. Aggregates and computations say which they used. Results
-- computed before this migration used each year's classification: they are marked historical.

ALTER TABLE store.aggregates ADD COLUMN composition VARCHAR;
UPDATE store.aggregates SET composition = 'historical';

ALTER TABLE store.computations ADD COLUMN composition VARCHAR;
UPDATE store.computations SET composition = 'historical';

-- Where a membership comes from when the group's definition does not say it all: ITU's file or
-- an inference for ITU regions, a graduation for LDCs, the fiscal years for income groups.
ALTER TABLE store.group_members ADD COLUMN basis VARCHAR;

-- The views take the new columns (SELECT * views are bound when queried; recreated to be plain).
CREATE OR REPLACE VIEW main.aggregates AS SELECT * FROM store.aggregates;
CREATE OR REPLACE VIEW main.computations AS SELECT * FROM store.computations;

-- current: the membership is part of the current composition (it has no last year).
CREATE OR REPLACE VIEW main.group_members AS
SELECT g.code AS group_code, e.iso3 AS economy, m.first_year, m.last_year, m.last_year IS NULL AS current, m.basis
FROM store.group_members m
JOIN store.groups g USING (group_id)
JOIN store.economies e USING (economy_id);

-- members: the economies of the current composition.
CREATE OR REPLACE VIEW main.groups AS
SELECT code AS group_code, name, kind, defined_by,
       (SELECT count(DISTINCT economy_id) FROM store.group_members m
        WHERE m.group_id = g.group_id AND m.last_year IS NULL) AS members
FROM store.groups g;
