-- Incremental computations. `ictstat compute` recomputes only the indicators whose observations
-- changed since the last computation, and what depends on them; to know what changed it keeps the
-- state of each indicator's observations as the last computation read them. A computation says
-- what it recomputed (scope), how far past an economy's last report it nowcast, and the
-- fingerprint of the reference data (catalogue, economies, groups and their members, targets) it
-- read: when that differs, or the options do, everything is recomputed.
ALTER TABLE store.computations ADD COLUMN scope VARCHAR;
ALTER TABLE store.computations ADD COLUMN nowcast_years SMALLINT;
ALTER TABLE store.computations ADD COLUMN reference VARCHAR;

-- Per indicator, the observations (every edition's) the latest computation read: their number and
-- the sum of their batch numbers. Batch numbers are never given twice and a batch's rows do not
-- change after its load, so a load or an edition dropped changes at least one of the two.
CREATE TABLE store.computation_inputs (
    indicator    VARCHAR NOT NULL,
    observations BIGINT NOT NULL,
    batch_sum    BIGINT NOT NULL
);

CREATE OR REPLACE VIEW main.computations AS SELECT * FROM store.computations;
