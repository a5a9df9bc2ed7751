-- Views for analysts: codes and names instead of keys. "observations" holds the newest edition of
-- every series; "observations_all_editions" holds every edition, with newest = true on the default.

CREATE VIEW main.indicators AS
SELECT code AS indicator, name, unit, unit_kind, min_value, max_value, custodian, sdg_indicator,
       core_code, description
FROM store.indicators;

CREATE VIEW main.economies AS
SELECT iso3 AS economy, iso2, m49, name, un_region, un_subregion, itu_region, ldc, lldc, sids
FROM store.economies;

CREATE VIEW main.groups AS
SELECT code AS group_code, name, kind, defined_by,
       (SELECT count(DISTINCT economy_id) FROM store.group_members m WHERE m.group_id = g.group_id) AS members
FROM store.groups g;

CREATE VIEW main.group_members AS
SELECT g.code AS group_code, e.iso3 AS economy, m.first_year, m.last_year
FROM store.group_members m
JOIN store.groups g USING (group_id)
JOIN store.economies e USING (economy_id);

CREATE VIEW main.income_groups AS
SELECT e.iso3 AS economy, i.fiscal_year, i.gni_year, i.income_group
FROM store.income_groups i JOIN store.economies e USING (economy_id);

CREATE VIEW main.editions AS
SELECT edition, released, description, created_at FROM store.editions;

CREATE VIEW main.batches AS
SELECT b.batch_id AS batch, b.file, b.sha256, b.bytes, b.format, e.edition, b.rows_read,
       b.rows_loaded, b.rows_unchanged, b.rows_rejected, b.started_at, b.finished_at,
       b.tool_version, b.options
FROM store.batches b JOIN store.editions e USING (edition_id);

CREATE VIEW main.rejects AS
SELECT r.batch_id AS batch, b.file, r.line, r."column", r.value, r.reason
FROM store.rejects r JOIN store.batches b USING (batch_id);

-- Every observation with its codes, for economies and groups alike. The views below select from it.
CREATE VIEW store.observations_decoded AS
SELECT i.code AS indicator,
       s.economy_id,
       s.group_id,
       o.year,
       sx.code AS sex,
       ar.code AS area,
       ag.code AS age,
       o.value,
       i.unit,
       fl.code AS flag,
       src.name AS source,
       n.text AS note,
       ed.edition,
       o.edition_id = s.edition_id AS newest,
       o.batch_id AS batch,
       o.line
FROM store.observations o
JOIN store.series s USING (series_id)
JOIN store.indicators i USING (indicator_id)
JOIN store.editions ed ON ed.edition_id = o.edition_id
JOIN store.codes sx ON sx.dimension = 'sex' AND sx.code_id = s.sex
JOIN store.codes ar ON ar.dimension = 'area' AND ar.code_id = s.area
JOIN store.codes ag ON ag.dimension = 'age' AND ag.code_id = s.age
JOIN store.codes fl ON fl.dimension = 'flag' AND fl.code_id = o.flag
LEFT JOIN store.sources src ON src.source_id = o.source_id
LEFT JOIN store.notes n ON n.note_id = o.note_id;

CREATE VIEW main.observations_all_editions AS
SELECT d.indicator, e.iso3 AS economy, d.year, d.sex, d.area, d.age, d.value, d.unit, d.flag,
       d.source, d.note, d.edition, d.newest, d.batch, d.line
FROM store.observations_decoded d JOIN store.economies e USING (economy_id);

CREATE VIEW main.observations AS
SELECT * EXCLUDE (newest) FROM main.observations_all_editions WHERE newest;

-- Aggregates as the sources publish them (World, regions, income groups), kept apart from the
-- economies' observations.
CREATE VIEW main.published_aggregates_all_editions AS
SELECT d.indicator, g.code AS group_code, g.name AS group_name, d.year, d.sex, d.area, d.age,
       d.value, d.unit, d.flag, d.source, d.note, d.edition, d.newest, d.batch, d.line
FROM store.observations_decoded d JOIN store.groups g USING (group_id);

CREATE VIEW main.published_aggregates AS
SELECT * EXCLUDE (newest) FROM main.published_aggregates_all_editions WHERE newest;
