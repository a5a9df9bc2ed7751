-- The physical store. Tables live in schema "store" and use integer keys; the views in schema
-- "main" (0002) give analysts codes and names.


-- Editions (vintages) of published data. The newest edition of a series, by release date and then
-- by load order, is the default everywhere.
CREATE TABLE store.editions (
    edition_id  INTEGER PRIMARY KEY,
    edition     VARCHAR NOT NULL UNIQUE,
    released    DATE NOT NULL,
    description VARCHAR,
    created_at  TIMESTAMP NOT NULL
);

-- One row per file loaded: what was read, what landed, what was refused.
CREATE TABLE store.batches (
    batch_id       INTEGER PRIMARY KEY,
    file           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    bytes          BIGINT NOT NULL,
    format         VARCHAR NOT NULL,
    edition_id     INTEGER NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_loaded    BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL,
    tool_version   VARCHAR NOT NULL,
    options        VARCHAR
);

-- Rows of a batch that did not become observations, with the reason.
CREATE TABLE store.rejects (
    batch_id INTEGER NOT NULL,
    line     BIGINT,
    "column" VARCHAR,
    value    VARCHAR,
    reason   VARCHAR NOT NULL
);

CREATE TABLE store.indicators (
    indicator_id  INTEGER PRIMARY KEY,
    code          VARCHAR NOT NULL UNIQUE,
    name          VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    unit_kind     VARCHAR NOT NULL,
    min_value     DOUBLE,
    max_value     DOUBLE,
    custodian     VARCHAR,
    sdg_indicator VARCHAR,
    core_code     VARCHAR,
    description   VARCHAR
);

-- Codes other producers use for an indicator, by scheme (wdi, itu, sdg, ddf, owid).
CREATE TABLE store.indicator_codes (
    scheme       VARCHAR NOT NULL,
    code         VARCHAR NOT NULL,
    indicator_id INTEGER NOT NULL,
    PRIMARY KEY (scheme, code)
);

CREATE TABLE store.economies (
    economy_id   INTEGER PRIMARY KEY,
    iso3         VARCHAR NOT NULL UNIQUE,
    iso2         VARCHAR,
    m49          SMALLINT,
    name         VARCHAR NOT NULL,
    un_region    VARCHAR,
    un_subregion VARCHAR,
    itu_region   VARCHAR,
    ldc          BOOLEAN NOT NULL,
    lldc         BOOLEAN NOT NULL,
    sids         BOOLEAN NOT NULL
);

-- Codes other producers use for an economy, by scheme (m49, ddf, itu, wb).
CREATE TABLE store.economy_codes (
    scheme     VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    economy_id INTEGER NOT NULL,
    PRIMARY KEY (scheme, code)
);

-- Economy groups: world, regions, income groups, LDC/LLDC/SIDS, user-defined groups, and the
-- aggregates sources publish (kind 'source') whose membership is not known.
CREATE TABLE store.groups (
    group_id   INTEGER PRIMARY KEY,
    code       VARCHAR NOT NULL UNIQUE,
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    defined_by VARCHAR
);

CREATE TABLE store.group_codes (
    scheme   VARCHAR NOT NULL,
    code     VARCHAR NOT NULL,
    group_id INTEGER NOT NULL,
    PRIMARY KEY (scheme, code)
);

-- Membership, by year where it changes (income groups); NULL years are open-ended.
CREATE TABLE store.group_members (
    group_id   INTEGER NOT NULL,
    economy_id INTEGER NOT NULL,
    first_year SMALLINT,
    last_year  SMALLINT
);

-- The World Bank classification of each fiscal year (FY26 = July 2025, from 2024 GNI per capita).
CREATE TABLE store.income_groups (
    economy_id   INTEGER NOT NULL,
    fiscal_year  SMALLINT NOT NULL,
    gni_year     SMALLINT NOT NULL,
    income_group VARCHAR NOT NULL,
    PRIMARY KEY (economy_id, fiscal_year)
);

-- Closed and open code lists of observation dimensions: sex, area, age, flag.
CREATE TABLE store.codes (
    dimension VARCHAR NOT NULL,
    code_id   SMALLINT NOT NULL,
    code      VARCHAR NOT NULL,
    label     VARCHAR NOT NULL,
    PRIMARY KEY (dimension, code_id)
);

CREATE TABLE store.sources (
    source_id INTEGER PRIMARY KEY,
    name      VARCHAR NOT NULL UNIQUE
);

CREATE TABLE store.notes (
    note_id INTEGER PRIMARY KEY,
    text    VARCHAR NOT NULL UNIQUE
);

-- A series: one indicator for one economy (or group) and one breakdown by sex, area and age.
-- edition_id is the newest edition that holds observations of the series.
CREATE TABLE store.series (
    series_id    INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL,
    economy_id   INTEGER,
    group_id     INTEGER,
    sex          SMALLINT NOT NULL,
    area         SMALLINT NOT NULL,
    age          SMALLINT NOT NULL,
    edition_id   INTEGER NOT NULL
);

-- Observations: at most one per series, year and edition (kept by the loader, not by an index,
-- so that bulk loads stay fast).
CREATE TABLE store.observations (
    series_id  INTEGER NOT NULL,
    edition_id INTEGER NOT NULL,
    year       SMALLINT NOT NULL,
    value      DOUBLE NOT NULL,
    flag       SMALLINT NOT NULL,
    source_id  INTEGER,
    note_id    INTEGER,
    batch_id   INTEGER NOT NULL,
    line       INTEGER NOT NULL
);
