-- The nowcast models a computation fitted (indicators/nowcast), one per series of an indicator it
-- covers: its form and parameters as its internal backtest chose them, that backtest's errors
-- against carrying the last value, and whether it filled the series (it did where it beat
-- carrying). The estimates it made are in estimates (status 'nowcast').
CREATE TABLE store.nowcast_models (
    indicator   VARCHAR NOT NULL,
    sex         VARCHAR NOT NULL,
    area        VARCHAR NOT NULL,
    age         VARCHAR NOT NULL,
    model       VARCHAR NOT NULL,  -- trend (a total) or breakdown gap (a breakdown held at its gap to the total)
    scale       VARCHAR NOT NULL,  -- logit or log
    window_points SMALLINT,        -- trend: points of an economy's own slope
    pool        VARCHAR,           -- trend: region, or the n economies nearest in level
    k           DOUBLE,            -- trend: the shrinkage constant (Infinity: the pool's slope alone)
    correlation DOUBLE NOT NULL,   -- of the errors of different economies for the same year; group intervals use it
    comparisons INTEGER NOT NULL,  -- of the internal backtest
    mae         DOUBLE,            -- its mean absolute error there, in the indicator's unit
    carry_mae   DOUBLE,            -- carrying the last value's, on the same comparisons
    used        BOOLEAN NOT NULL,  -- it filled the series (mae < carry_mae); else the last values were carried
    method      VARCHAR NOT NULL   -- in words, as estimates.method says it
);
CREATE VIEW main.nowcast_models AS SELECT * FROM store.nowcast_models;
