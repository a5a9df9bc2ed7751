-- Nowcasts (indicators/nowcast): values estimated for the years after an economy's last report up
-- to the nowcast year, with predictive intervals, and the group aggregates and divides formed from
-- them.

-- How the computation filled the years after an economy's last report: 'nowcast' (the model, up to
-- nowcast_to, where its backtest beat carrying; carrying elsewhere) or 'carry' (the last value,
-- carry_years years).
ALTER TABLE store.computations ADD COLUMN fill VARCHAR;
ALTER TABLE store.computations ADD COLUMN nowcast_to SMALLINT;

-- An estimate's method in words (interpolated, carried forward, or the nowcast model's form and
-- parameters), the economy's last reported year it starts from, and for nowcasts the 80% and 95%
-- predictive intervals.
ALTER TABLE store.estimates ADD COLUMN method VARCHAR;
ALTER TABLE store.estimates ADD COLUMN last_reported SMALLINT;
ALTER TABLE store.estimates ADD COLUMN ci80_low DOUBLE;
ALTER TABLE store.estimates ADD COLUMN ci80_high DOUBLE;
ALTER TABLE store.estimates ADD COLUMN ci_low DOUBLE;
ALTER TABLE store.estimates ADD COLUMN ci_high DOUBLE;

-- A group's value that rests on nowcast members has status 'nowcast', the share of the members'
-- population whose value is a nowcast, and intervals propagated from the members' (see
-- indicators/README.md).
ALTER TABLE store.aggregates ADD COLUMN coverage_nowcast DOUBLE;
ALTER TABLE store.aggregates ADD COLUMN ci80_low DOUBLE;
ALTER TABLE store.aggregates ADD COLUMN ci80_high DOUBLE;
ALTER TABLE store.aggregates ADD COLUMN ci_low DOUBLE;
ALTER TABLE store.aggregates ADD COLUMN ci_high DOUBLE;

-- A divide computed from nowcast aggregates is marked, with the 95% interval where the measure
-- has one (people offline).
ALTER TABLE store.gaps ADD COLUMN nowcast BOOLEAN DEFAULT false;
ALTER TABLE store.gaps ADD COLUMN ci_low DOUBLE;
ALTER TABLE store.gaps ADD COLUMN ci_high DOUBLE;

CREATE OR REPLACE VIEW main.computations AS SELECT * FROM store.computations;
CREATE OR REPLACE VIEW main.estimates AS SELECT * FROM store.estimates;
CREATE OR REPLACE VIEW main.aggregates AS SELECT * FROM store.aggregates;
CREATE OR REPLACE VIEW main.gaps AS SELECT * FROM store.gaps;
