-- The derived tables keep their texts as numbers, as the observations do (0001): every column
-- whose name ends in _term holds the term_id of its text in store.terms, and the views give the
-- texts back under the columns' own names. Codes, breakdowns, methods and statuses are a few
-- hundred texts repeated over millions of rows; stored as texts, they were most of what DuckDB
-- spent writing a computation's results.
--
-- A computation adds the texts it writes that the table lacks; a full computation, which
-- replaces every derived row, starts the table again.
CREATE TABLE store.terms (
    term_id INTEGER NOT NULL,
    term    VARCHAR NOT NULL
);

INSERT INTO store.terms
SELECT row_number() OVER (ORDER BY term)::INTEGER, term FROM (
    SELECT unnest([group_code, indicator, sex, area, age, method, weight, status, composition]) AS term FROM store.aggregates
    UNION SELECT unnest([economy, indicator, sex, area, age, status, method]) FROM store.estimates
    UNION SELECT unnest([entity, entity_kind, measure, indicator, area, age, status, basis]) FROM store.gaps
) WHERE term IS NOT NULL;

CREATE TEMP MACRO term_of(text) AS (SELECT term_id FROM store.terms WHERE term = text);

ALTER TABLE store.aggregates RENAME TO aggregates_texts;
CREATE TABLE store.aggregates (
    group_code_term   INTEGER NOT NULL,
    indicator_term    INTEGER NOT NULL,
    sex_term          INTEGER NOT NULL,
    area_term         INTEGER NOT NULL,
    age_term          INTEGER NOT NULL,
    year              SMALLINT NOT NULL,
    value             DOUBLE,
    method_term       INTEGER NOT NULL,
    weight_term       INTEGER,
    members           INTEGER NOT NULL,
    reporting         INTEGER NOT NULL,
    estimated         INTEGER NOT NULL,
    coverage_reported DOUBLE NOT NULL,
    coverage_anchored DOUBLE NOT NULL,
    coverage          DOUBLE NOT NULL,
    status_term       INTEGER NOT NULL,
    composition_term  INTEGER,
    se                DOUBLE,
    se_members        INTEGER,
    coverage_nowcast  DOUBLE,
    ci80_low          DOUBLE,
    ci80_high         DOUBLE,
    ci_low            DOUBLE,
    ci_high           DOUBLE
);
INSERT INTO store.aggregates
SELECT term_of(group_code), term_of(indicator), term_of(sex), term_of(area), term_of(age), year, value,
    term_of(method), term_of(weight), members, reporting, estimated, coverage_reported, coverage_anchored, coverage,
    term_of(status), term_of(composition), se, se_members, coverage_nowcast, ci80_low, ci80_high, ci_low, ci_high
FROM store.aggregates_texts;
DROP TABLE store.aggregates_texts;

ALTER TABLE store.estimates RENAME TO estimates_texts;
CREATE TABLE store.estimates (
    economy_term   INTEGER NOT NULL,
    indicator_term INTEGER NOT NULL,
    sex_term       INTEGER NOT NULL,
    area_term      INTEGER NOT NULL,
    age_term       INTEGER NOT NULL,
    year           SMALLINT NOT NULL,
    value          DOUBLE NOT NULL,
    status_term    INTEGER NOT NULL,
    method_term    INTEGER,
    last_reported  SMALLINT,
    ci80_low       DOUBLE,
    ci80_high      DOUBLE,
    ci_low         DOUBLE,
    ci_high        DOUBLE
);
INSERT INTO store.estimates
SELECT term_of(economy), term_of(indicator), term_of(sex), term_of(area), term_of(age), year, value,
    term_of(status), term_of(method), last_reported, ci80_low, ci80_high, ci_low, ci_high
FROM store.estimates_texts;
DROP TABLE store.estimates_texts;

ALTER TABLE store.gaps RENAME TO gaps_texts;
CREATE TABLE store.gaps (
    entity_term      INTEGER NOT NULL,
    entity_kind_term INTEGER NOT NULL,
    measure_term     INTEGER NOT NULL,
    indicator_term   INTEGER NOT NULL,
    area_term        INTEGER NOT NULL,
    age_term         INTEGER NOT NULL,
    year             SMALLINT NOT NULL,
    value            DOUBLE NOT NULL,
    first            DOUBLE,
    second           DOUBLE,
    status_term      INTEGER,
    basis_term       INTEGER NOT NULL,
    nowcast          BOOLEAN DEFAULT false,
    ci_low           DOUBLE,
    ci_high          DOUBLE
);
INSERT INTO store.gaps
SELECT term_of(entity), term_of(entity_kind), term_of(measure), term_of(indicator), term_of(area), term_of(age), year,
    value, first, second, term_of(status), term_of(basis), nowcast, ci_low, ci_high
FROM store.gaps_texts;
DROP TABLE store.gaps_texts;

DROP MACRO term_of;

CREATE OR REPLACE VIEW main.aggregates AS
SELECT g.term AS group_code, i.term AS indicator, s.term AS sex, ar.term AS area, ag.term AS age, a.year, a.value,
    m.term AS method, w.term AS weight, a.members, a.reporting, a.estimated, a.coverage_reported, a.coverage_anchored,
    a.coverage, st.term AS status, c.term AS composition, a.se, a.se_members, a.coverage_nowcast, a.ci80_low,
    a.ci80_high, a.ci_low, a.ci_high
FROM store.aggregates a
JOIN store.terms g ON g.term_id = a.group_code_term
JOIN store.terms i ON i.term_id = a.indicator_term
JOIN store.terms s ON s.term_id = a.sex_term
JOIN store.terms ar ON ar.term_id = a.area_term
JOIN store.terms ag ON ag.term_id = a.age_term
JOIN store.terms m ON m.term_id = a.method_term
LEFT JOIN store.terms w ON w.term_id = a.weight_term
JOIN store.terms st ON st.term_id = a.status_term
LEFT JOIN store.terms c ON c.term_id = a.composition_term;

CREATE OR REPLACE VIEW main.estimates AS
SELECT ec.term AS economy, i.term AS indicator, s.term AS sex, ar.term AS area, ag.term AS age, e.year, e.value,
    st.term AS status, m.term AS method, e.last_reported, e.ci80_low, e.ci80_high, e.ci_low, e.ci_high
FROM store.estimates e
JOIN store.terms ec ON ec.term_id = e.economy_term
JOIN store.terms i ON i.term_id = e.indicator_term
JOIN store.terms s ON s.term_id = e.sex_term
JOIN store.terms ar ON ar.term_id = e.area_term
JOIN store.terms ag ON ag.term_id = e.age_term
JOIN store.terms st ON st.term_id = e.status_term
LEFT JOIN store.terms m ON m.term_id = e.method_term;

CREATE OR REPLACE VIEW main.gaps AS
SELECT en.term AS entity, k.term AS entity_kind, me.term AS measure, i.term AS indicator, ar.term AS area,
    ag.term AS age, g.year, g.value, g.first, g.second, st.term AS status, b.term AS basis, g.nowcast, g.ci_low,
    g.ci_high
FROM store.gaps g
JOIN store.terms en ON en.term_id = g.entity_term
JOIN store.terms k ON k.term_id = g.entity_kind_term
JOIN store.terms me ON me.term_id = g.measure_term
JOIN store.terms i ON i.term_id = g.indicator_term
JOIN store.terms ar ON ar.term_id = g.area_term
JOIN store.terms ag ON ag.term_id = g.age_term
LEFT JOIN store.terms st ON st.term_id = g.status_term
JOIN store.terms b ON b.term_id = g.basis_term;
