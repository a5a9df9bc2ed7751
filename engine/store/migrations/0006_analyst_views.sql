-- The stable views for analysts (docs/sql.md describes every column).
--
-- store.series_labels holds each series with its codes, unit and newest edition, so that the
-- observation views join one small table instead of eight: DuckDB plans and runs them about as
-- fast as the same query written on the integer-keyed tables. Loads keep it up to date for the
-- series they touch; reference data and group changes rebuild it (store.series_labels_source).

CREATE VIEW store.series_labels_source AS
SELECT s.series_id,
       i.code AS indicator,
       i.unit,
       e.iso3 AS economy,
       g.code AS group_code,
       g.name AS group_name,
       sx.code AS sex,
       ar.code AS area,
       ag.code AS age,
       s.edition_id,
       ed.edition
FROM store.series s
JOIN store.indicators i USING (indicator_id)
JOIN store.editions ed ON ed.edition_id = s.edition_id
JOIN store.codes sx ON sx.dimension = 'sex' AND sx.code_id = s.sex
JOIN store.codes ar ON ar.dimension = 'area' AND ar.code_id = s.area
JOIN store.codes ag ON ag.dimension = 'age' AND ag.code_id = s.age
LEFT JOIN store.economies e ON e.economy_id = s.economy_id
LEFT JOIN store.groups g ON g.group_id = s.group_id;

CREATE TABLE store.series_labels AS SELECT * FROM store.series_labels_source;

-- The code of an observation's flag, from its key: the closed list of engine/validate/codelists.csv
-- in store.codes order (a store test checks they agree). An expression instead of a join, so that
-- queries that do not ask for the flag do not pay for it.
CREATE MACRO store.flag_code(f) AS CASE f WHEN 0 THEN 'A' WHEN 1 THEN 'E' WHEN 2 THEN 'M' WHEN 3 THEN 'G'
    WHEN 4 THEN 'CA' WHEN 5 THEN 'N' WHEN 6 THEN 'P' WHEN 7 THEN 'B' WHEN 8 THEN 'F' END;

DROP VIEW main.observations;
DROP VIEW main.observations_all_editions;
DROP VIEW main.published_aggregates;
DROP VIEW main.published_aggregates_all_editions;
DROP VIEW store.observations_decoded;

CREATE VIEW main.observations AS
SELECT l.indicator, l.economy, o.year, l.sex, l.area, l.age, o.value, l.unit, store.flag_code(o.flag) AS flag,
       src.name AS source, n.text AS note, l.edition, o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id AND l.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id
WHERE l.economy IS NOT NULL;

CREATE VIEW main.observations_all_editions AS
SELECT l.indicator, l.economy, o.year, l.sex, l.area, l.age, o.value, l.unit, store.flag_code(o.flag) AS flag,
       src.name AS source, n.text AS note, ed.edition, o.edition_id = l.edition_id AS newest,
       o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id
WHERE l.economy IS NOT NULL;

CREATE VIEW main.published_aggregates AS
SELECT l.indicator, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, l.edition, o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id AND l.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id
WHERE l.group_code IS NOT NULL;

CREATE VIEW main.published_aggregates_all_editions AS
SELECT l.indicator, l.group_code, l.group_name, o.year, l.sex, l.area, l.age, o.value, l.unit,
       store.flag_code(o.flag) AS flag, src.name AS source, n.text AS note, ed.edition, o.edition_id = l.edition_id AS newest,
       o.batch_id AS batch, o.line
FROM store.observations o
JOIN store.series_labels l ON l.series_id = o.series_id
JOIN store.editions ed ON ed.edition_id = o.edition_id
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id
WHERE l.group_code IS NOT NULL;

-- One row per economy, indicator and breakdown, over the newest edition of the series.
CREATE VIEW main.series AS
SELECT l.indicator, l.economy, l.sex, l.area, l.age, l.unit, l.edition,
       count(*) AS observations, min(o.year) AS first_year, max(o.year) AS last_year
FROM store.series_labels l
JOIN store.observations o ON o.series_id = l.series_id AND o.edition_id = l.edition_id
WHERE l.economy IS NOT NULL
GROUP BY l.series_id, l.indicator, l.economy, l.sex, l.area, l.age, l.unit, l.edition;

-- The latest year's observation of every series, in its newest edition.
CREATE VIEW main.latest AS
SELECT * FROM main.observations
QUALIFY row_number() OVER (PARTITION BY indicator, economy, sex, area, age ORDER BY year DESC) = 1;

-- The targets of every framework, as `ictstat compute` last read them from its data files.
CREATE TABLE store.targets (
    framework      VARCHAR NOT NULL,
    framework_name VARCHAR NOT NULL,
    target         VARCHAR NOT NULL,
    goal           VARCHAR,
    wording        VARCHAR NOT NULL,
    measure        VARCHAR,           -- what the data measure it by; NULL: no global data
    indicator      VARCHAR,           -- the indicator the measure is computed from
    comparator     VARCHAR,
    value          DOUBLE,
    basis          VARCHAR,
    met_at         DOUBLE,
    baseline_year  SMALLINT,
    deadline       SMALLINT NOT NULL,
    scope          VARCHAR NOT NULL,
    verification   VARCHAR NOT NULL,
    note           VARCHAR,
    source         VARCHAR
);

CREATE VIEW main.targets AS SELECT * FROM store.targets;

-- Economies gain their latest World Bank income group.
CREATE OR REPLACE VIEW main.economies AS
SELECT e.iso3 AS economy, e.iso2, e.m49, e.name, e.un_region, e.un_subregion, e.itu_region,
       e.ldc, e.lldc, e.sids, i.income_group, i.fiscal_year AS income_fiscal_year
FROM store.economies e
LEFT JOIN (SELECT economy_id, income_group, fiscal_year FROM store.income_groups
           QUALIFY row_number() OVER (PARTITION BY economy_id ORDER BY fiscal_year DESC) = 1) i
       USING (economy_id);
