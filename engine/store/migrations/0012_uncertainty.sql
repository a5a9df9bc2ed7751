-- Uncertainty of an observation, where its producer gives one: the standard error and the bounds
-- of its interval (survey estimates from `ictstat survey load`, files with se, ci_low and ci_high
-- columns). NULL for the observations without them.

ALTER TABLE store.observations ADD COLUMN se DOUBLE;
ALTER TABLE store.observations ADD COLUMN ci_low DOUBLE;
ALTER TABLE store.observations ADD COLUMN ci_high DOUBLE;

CREATE OR REPLACE VIEW store.observations_labelled AS
SELECT l.indicator, l.economy, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value,
       o.se, o.ci_low, o.ci_high, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, ed.edition, o.current,
       o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id;

CREATE OR REPLACE VIEW main.observations AS
SELECT indicator, economy, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled WHERE current AND economy IS NOT NULL;

CREATE OR REPLACE VIEW main.observations_all_editions AS
SELECT indicator, economy, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled WHERE economy IS NOT NULL;

CREATE OR REPLACE VIEW main.published_aggregates AS
SELECT indicator, group_code, group_name, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled WHERE current AND group_code IS NOT NULL;

CREATE OR REPLACE VIEW main.published_aggregates_all_editions AS
SELECT indicator, group_code, group_name, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled WHERE group_code IS NOT NULL;

CREATE OR REPLACE MACRO store.observations_at(as_of) AS TABLE
WITH ed AS (
    SELECT edition_id, row_number() OVER (ORDER BY released, edition_id) AS rank
    FROM store.editions WHERE released <= CAST(as_of AS DATE)),
floor AS (
    SELECT x.series_id, max(ed.rank) AS rank
    FROM store.series_replacements x JOIN ed USING (edition_id) GROUP BY x.series_id),
layered AS (
    SELECT o.series_id, o.edition_id, o.year, o.value, o.flag, o.source_id, o.note_id, o.batch_id, o.line,
           o.se, o.ci_low, o.ci_high, ed.rank >= coalesce(fl.rank, 0) AS eligible, ed.rank
    FROM store.observations o JOIN ed USING (edition_id) LEFT JOIN floor fl USING (series_id))
SELECT series_id, edition_id, year, value, flag, source_id, note_id, batch_id, line, se, ci_low, ci_high,
       eligible AND row_number() OVER (PARTITION BY series_id, year, eligible ORDER BY rank DESC) = 1 AS current_at
FROM layered;

CREATE OR REPLACE MACRO store.observations_labelled_at(as_of) AS TABLE
SELECT l.indicator, l.economy, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value,
       o.se, o.ci_low, o.ci_high, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, ed.edition, o.current_at AS current,
       o.batch_id AS batch, o.line
FROM store.observations_at(as_of) o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id;

CREATE OR REPLACE MACRO main.observations_as_of(as_of) AS TABLE
SELECT indicator, economy, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled_at(as_of) WHERE current AND economy IS NOT NULL;

CREATE OR REPLACE MACRO main.observations_all_editions_as_of(as_of) AS TABLE
SELECT indicator, economy, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled_at(as_of) WHERE economy IS NOT NULL;

CREATE OR REPLACE MACRO main.published_aggregates_as_of(as_of) AS TABLE
SELECT indicator, group_code, group_name, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled_at(as_of) WHERE current AND group_code IS NOT NULL;

CREATE OR REPLACE MACRO main.published_aggregates_all_editions_as_of(as_of) AS TABLE
SELECT indicator, group_code, group_name, year, sex, area, age, value, se, ci_low, ci_high, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled_at(as_of) WHERE group_code IS NOT NULL;

-- A view's columns are fixed when it is made: latest is made again to show the new ones.
CREATE OR REPLACE VIEW main.latest AS
SELECT * FROM main.observations
QUALIFY row_number() OVER (PARTITION BY indicator, economy, sex, area, age ORDER BY year DESC) = 1;

-- Aggregates carry the standard error propagated from their members' (aggregate.Value.SE);
-- progress says whether the latest value differs from the target and the baseline beyond them.
ALTER TABLE store.aggregates ADD COLUMN se DOUBLE;          -- from the members with a standard error; NULL when none has one
ALTER TABLE store.aggregates ADD COLUMN se_members INTEGER; -- how many members' standard errors it propagates
ALTER TABLE store.progress ADD COLUMN baseline_se DOUBLE;   -- standard error of the baseline value, where it has one
ALTER TABLE store.progress ADD COLUMN latest_se DOUBLE;     -- standard error of the latest value, where it has one
ALTER TABLE store.progress ADD COLUMN vs_target VARCHAR;    -- the latest value against the level: above, below or within uncertainty (5% z-test); NULL without latest_se
ALTER TABLE store.progress ADD COLUMN vs_baseline VARCHAR;  -- the latest value against the baseline, likewise
CREATE OR REPLACE VIEW main.aggregates AS SELECT * FROM store.aggregates;
CREATE OR REPLACE VIEW main.progress AS SELECT * FROM store.progress;
