-- Derived results: group aggregates, the gap-filled values they use, gaps and progress toward
-- targets. `ictstat compute` replaces them all at once from the newest edition of every series and
-- records the run in store.computations.

CREATE TABLE store.computations (
    computation_id     INTEGER PRIMARY KEY,
    computed_at        TIMESTAMP NOT NULL,
    last_batch         INTEGER,          -- the newest batch the results include
    observations       BIGINT NOT NULL,  -- observations read (newest editions)
    carry_years        SMALLINT NOT NULL,
    coverage_threshold DOUBLE NOT NULL,  -- least share of a group's population with a value
    min_anchored       DOUBLE NOT NULL,  -- least share with a reported or interpolated value
    tool_version       VARCHAR NOT NULL
);

-- A group's value per indicator, breakdown and year, with the coverage it rests on.
CREATE TABLE store.aggregates (
    group_code        VARCHAR NOT NULL,
    indicator         VARCHAR NOT NULL,  -- an indicator, or a derived measure such as rural:coverage_3g_pct
    sex               VARCHAR NOT NULL,
    area              VARCHAR NOT NULL,
    age               VARCHAR NOT NULL,
    year              SMALLINT NOT NULL,
    value             DOUBLE,            -- NULL when withheld
    method            VARCHAR NOT NULL,  -- weighted_mean, sum or median
    weight            VARCHAR,           -- the weight of a weighted mean as applied
    members           INTEGER NOT NULL,
    reporting         INTEGER NOT NULL,  -- members with a reported value
    estimated         INTEGER NOT NULL,  -- members whose value was filled
    coverage_reported DOUBLE NOT NULL,   -- share of the members' population with a reported value
    coverage_anchored DOUBLE NOT NULL,   -- share with a reported or interpolated value
    coverage          DOUBLE NOT NULL,   -- share with a value, reported or filled
    status            VARCHAR NOT NULL   -- published or withheld
);

-- The values the aggregates filled in for economies: interpolated or carried.
CREATE TABLE store.estimates (
    economy   VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    sex       VARCHAR NOT NULL,
    area      VARCHAR NOT NULL,
    age       VARCHAR NOT NULL,
    year      SMALLINT NOT NULL,
    value     DOUBLE NOT NULL,
    status    VARCHAR NOT NULL   -- interpolated, carried forward or carried backward
);

-- Divides: gender parity scores, urban/rural ratios, rural coverage, usage gaps, people offline.
CREATE TABLE store.gaps (
    entity      VARCHAR NOT NULL,  -- economy (ISO3) or group code
    entity_kind VARCHAR NOT NULL,  -- economy or group
    measure     VARCHAR NOT NULL,
    indicator   VARCHAR NOT NULL,  -- what the measure is computed from
    area        VARCHAR NOT NULL,
    age         VARCHAR NOT NULL,
    year        SMALLINT NOT NULL,
    value       DOUBLE NOT NULL,
    first       DOUBLE,            -- the parts: female and male, urban and rural, coverage and use, population and use
    second      DOUBLE,
    status      VARCHAR,           -- for parity scores: parity, women behind, men behind
    basis       VARCHAR NOT NULL   -- reported, ictstat aggregate or published aggregate
);

-- Progress of every economy and group toward every target the data can measure.
CREATE TABLE store.progress (
    framework        VARCHAR NOT NULL,
    target           VARCHAR NOT NULL,
    measure          VARCHAR NOT NULL,
    entity           VARCHAR NOT NULL,
    entity_kind      VARCHAR NOT NULL,
    in_scope         BOOLEAN NOT NULL,  -- the target is set for this economy or group
    comparator       VARCHAR NOT NULL,
    level            DOUBLE,            -- the value that meets the target
    deadline         SMALLINT NOT NULL,
    baseline_year    SMALLINT,
    baseline         DOUBLE,
    latest_year      SMALLINT,
    latest           DOUBLE,
    points           INTEGER NOT NULL,
    change           DOUBLE,
    cagr             DOUBLE,
    required_cagr    DOUBLE,
    ratio            DOUBLE,
    class            VARCHAR NOT NULL,
    met_year         SMALLINT,
    model            VARCHAR,
    anticipated      DOUBLE,
    anticipated_low  DOUBLE,
    anticipated_high DOUBLE,
    projected_year   DOUBLE,
    projected_low    DOUBLE,
    projected_high   DOUBLE,
    basis            VARCHAR NOT NULL,  -- reported, ictstat aggregate or published aggregate
    verification     VARCHAR NOT NULL,  -- of the target's value
    note             VARCHAR
);

CREATE VIEW main.aggregates AS SELECT * FROM store.aggregates;
CREATE VIEW main.estimates AS SELECT * FROM store.estimates;
CREATE VIEW main.gaps AS SELECT * FROM store.gaps;
CREATE VIEW main.progress AS SELECT * FROM store.progress;
CREATE VIEW main.computations AS SELECT * FROM store.computations;
