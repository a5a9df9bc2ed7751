-- Editions layer per observation. The current value of an observation (indicator, economy or
-- group, sex, area, age and year) is the value of the newest edition that has one, by release
-- date and then load order, unless a newer edition replaced the whole series: then only that
-- edition and newer ones count, and the years they omit are withdrawn. Loads and
-- `ictstat edition drop` keep store.observations.current up to date for what they touch, so
-- that the views read a flag instead of resolving editions in every query.

ALTER TABLE store.observations ADD COLUMN current BOOLEAN;

-- Series that an edition replaced whole (ictstat ingest --replaces-series), by the batch that did.
CREATE TABLE store.series_replacements (
    series_id  INTEGER NOT NULL,
    edition_id INTEGER NOT NULL,
    batch_id   INTEGER NOT NULL
);

ALTER TABLE store.batches ADD COLUMN replaces_series BOOLEAN;

-- A computation made as of a date (ictstat compute --as-of) says so.
ALTER TABLE store.computations ADD COLUMN as_of DATE;

-- Editions taken out of the store (ictstat edition drop): what they held, for the record.
CREATE TABLE store.edition_drops (
    edition      VARCHAR NOT NULL,
    released     DATE NOT NULL,
    batches      INTEGER NOT NULL,
    observations BIGINT NOT NULL,
    dropped_at   TIMESTAMP NOT NULL,
    last_batch   INTEGER           -- the highest batch number it had, never given again
);

-- Editions in the order that layers them: rank 1 is the oldest.
CREATE VIEW store.edition_order AS
SELECT edition_id, edition, released, row_number() OVER (ORDER BY released, edition_id) AS rank
FROM store.editions;

-- Stores built before this migration showed the newest edition of each series whole. They keep
-- showing what they showed, as if every file loaded so far had replaced the series it carried;
-- loads from now on layer. (No column above has a default: DuckDB refuses defaults added to
-- tables with rows in the same transaction as other changes to them.)
INSERT INTO store.series_replacements
SELECT series_id, edition_id, min(batch_id) FROM store.observations GROUP BY series_id, edition_id;
UPDATE store.batches SET replaces_series = true;
UPDATE store.observations o SET current = (o.edition_id = s.edition_id)
FROM store.series s WHERE s.series_id = o.series_id;

-- Every observation as it stood on a date: editions released on or before it, layered by the
-- rule above. current_at marks the values current on that date.
CREATE MACRO store.observations_at(as_of) AS TABLE
WITH ed AS (
    SELECT edition_id, row_number() OVER (ORDER BY released, edition_id) AS rank
    FROM store.editions WHERE released <= CAST(as_of AS DATE)),
floor AS (
    SELECT x.series_id, max(ed.rank) AS rank
    FROM store.series_replacements x JOIN ed USING (edition_id) GROUP BY x.series_id),
layered AS (
    SELECT o.series_id, o.edition_id, o.year, o.value, o.flag, o.source_id, o.note_id, o.batch_id, o.line,
           ed.rank >= coalesce(fl.rank, 0) AS eligible, ed.rank
    FROM store.observations o JOIN ed USING (edition_id) LEFT JOIN floor fl USING (series_id))
SELECT series_id, edition_id, year, value, flag, source_id, note_id, batch_id, line,
       eligible AND row_number() OVER (PARTITION BY series_id, year, eligible ORDER BY rank DESC) = 1 AS current_at
FROM layered;

CREATE OR REPLACE VIEW main.batches AS
SELECT b.batch_id AS batch, b.file, b.sha256, b.bytes, b.format, e.edition, b.rows_read,
       b.rows_loaded, b.rows_unchanged, b.rows_rejected, b.started_at, b.finished_at,
       b.tool_version, b.options, b.replaces_series
FROM store.batches b JOIN store.editions e USING (edition_id);

DROP VIEW main.latest;
DROP VIEW main.series;
DROP VIEW main.observations;
DROP VIEW main.observations_all_editions;
DROP VIEW main.published_aggregates;
DROP VIEW main.published_aggregates_all_editions;

-- Every observation with its codes and labels; the views below select from it.
CREATE VIEW store.observations_labelled AS
SELECT l.indicator, l.economy, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, ed.edition, o.current,
       o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id;

CREATE VIEW main.observations AS
SELECT indicator, economy, year, sex, area, age, value, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled WHERE current AND economy IS NOT NULL;

CREATE VIEW main.observations_all_editions AS
SELECT indicator, economy, year, sex, area, age, value, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled WHERE economy IS NOT NULL;

CREATE VIEW main.published_aggregates AS
SELECT indicator, group_code, group_name, year, sex, area, age, value, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled WHERE current AND group_code IS NOT NULL;

CREATE VIEW main.published_aggregates_all_editions AS
SELECT indicator, group_code, group_name, year, sex, area, age, value, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled WHERE group_code IS NOT NULL;

-- One row per economy, indicator and breakdown, over its current observations; edition is the
-- edition of its last year's value. Grouped by the labels, so that filters on them reach the
-- labels' scan.
CREATE VIEW main.series AS
SELECT s.indicator, s.economy, s.sex, s.area, s.age, s.unit, ed.edition, s.observations, s.first_year, s.last_year
FROM (SELECT l.series_id, l.indicator, l.economy, l.sex, l.area, l.age, l.unit,
             count(*) AS observations, min(o.year) AS first_year, max(o.year) AS last_year,
             arg_max(o.edition_id, o.year) AS edition_id
      FROM store.series_labels l
      JOIN store.observations o ON o.series_id = l.series_id
      WHERE o.current AND l.economy IS NOT NULL
      GROUP BY l.series_id, l.indicator, l.economy, l.sex, l.area, l.age, l.unit) s
JOIN store.editions ed ON ed.edition_id = s.edition_id;

-- The latest year's current observation of every series.
CREATE VIEW main.latest AS
SELECT * FROM main.observations
QUALIFY row_number() OVER (PARTITION BY indicator, economy, sex, area, age ORDER BY year DESC) = 1;

-- As of a date, for any DuckDB client: SELECT * FROM observations_as_of(DATE '2024-06-30').
CREATE MACRO store.observations_labelled_at(as_of) AS TABLE
SELECT l.indicator, l.economy, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, ed.edition, o.current_at AS current,
       o.batch_id AS batch, o.line
FROM store.observations_at(as_of) o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id;

CREATE MACRO main.observations_as_of(as_of) AS TABLE
SELECT indicator, economy, year, sex, area, age, value, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled_at(as_of) WHERE current AND economy IS NOT NULL;

CREATE MACRO main.observations_all_editions_as_of(as_of) AS TABLE
SELECT indicator, economy, year, sex, area, age, value, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled_at(as_of) WHERE economy IS NOT NULL;

CREATE MACRO main.published_aggregates_as_of(as_of) AS TABLE
SELECT indicator, group_code, group_name, year, sex, area, age, value, unit, flag, source, note, edition, batch, line
FROM store.observations_labelled_at(as_of) WHERE current AND group_code IS NOT NULL;

CREATE MACRO main.published_aggregates_all_editions_as_of(as_of) AS TABLE
SELECT indicator, group_code, group_name, year, sex, area, age, value, unit, flag, source, note, edition, current, batch, line
FROM store.observations_labelled_at(as_of) WHERE group_code IS NOT NULL;

-- Every value a later edition changed or withdrew: consecutive values of one observation in
-- edition order that differ, and values that an edition replacing their series omitted.
CREATE MACRO store.revisions_at(as_of) AS TABLE
WITH ed AS (
    SELECT edition_id, row_number() OVER (ORDER BY released, edition_id) AS rank
    FROM store.editions WHERE released <= CAST(as_of AS DATE)),
seq AS (
    SELECT o.series_id, o.year, o.edition_id, o.value, ed.rank,
           lead(o.edition_id) OVER w AS next_edition, lead(o.value) OVER w AS next_value, lead(ed.rank) OVER w AS next_rank
    FROM store.observations o JOIN ed USING (edition_id)
    WINDOW w AS (PARTITION BY o.series_id, o.year ORDER BY ed.rank)),
replaced AS (
    SELECT x.series_id, x.edition_id, ed.rank FROM store.series_replacements x JOIN ed USING (edition_id)),
revised AS (
    SELECT series_id, year, edition_id, value, next_edition, next_value, 'revised' AS kind
    FROM seq s WHERE next_edition IS NOT NULL AND next_value IS DISTINCT FROM value
      -- a value withdrawn before the next one came is not revised by it: that one is new
      AND NOT EXISTS (SELECT 1 FROM replaced r WHERE r.series_id = s.series_id AND r.rank > s.rank AND r.rank < s.next_rank)),
withdrawn AS (
    SELECT s.series_id, s.year, s.edition_id, s.value, min_by(r.edition_id, r.rank) AS next_edition,
           CAST(NULL AS DOUBLE) AS next_value, 'withdrawn' AS kind
    FROM seq s JOIN replaced r ON r.series_id = s.series_id AND r.rank > s.rank AND (s.next_rank IS NULL OR r.rank < s.next_rank)
    GROUP BY s.series_id, s.year, s.edition_id, s.value)
SELECT * FROM revised UNION ALL SELECT * FROM withdrawn;

CREATE MACRO main.revisions_as_of(as_of) AS TABLE
SELECT l.indicator, l.economy, l.group_code, r.year, l.sex, l.area, l.age, l.unit,
       a.edition AS edition_before, r.value AS value_before,
       b.edition AS edition_after, r.next_value AS value_after,
       r.next_value - r.value AS change, r.kind
FROM store.revisions_at(as_of) r
JOIN store.series_labels l ON l.series_id = r.series_id
JOIN store.editions a ON a.edition_id = r.edition_id
JOIN store.editions b ON b.edition_id = r.next_edition;

CREATE VIEW main.revisions AS SELECT * FROM main.revisions_as_of(DATE '9999-12-31');

-- Economies with their latest income group, found by an aggregate rather than a window, so that
-- joining the view costs less.
CREATE OR REPLACE VIEW main.economies AS
SELECT e.iso3 AS economy, e.iso2, e.m49, e.name, e.un_region, e.un_subregion, e.itu_region,
       e.ldc, e.lldc, e.sids, i.income_group, i.fiscal_year AS income_fiscal_year
FROM store.economies e
LEFT JOIN (SELECT economy_id, arg_max(income_group, fiscal_year) AS income_group, max(fiscal_year) AS fiscal_year
           FROM store.income_groups GROUP BY economy_id) i
       USING (economy_id);
