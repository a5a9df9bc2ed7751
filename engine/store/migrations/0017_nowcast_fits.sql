-- The nowcast models the latest computations fitted, whole, each with a digest of the inputs it was
-- fitted to (indicators/nowcast Digest): an incremental computation takes a model from here rather
-- than fitting it again when its inputs have the same digest, which gives the same model. A full
-- computation fits every model anew and replaces them all. ictstat's own; analysts read
-- nowcast_models.
CREATE TABLE store.nowcast_fits (
    indicator VARCHAR NOT NULL,
    sex       VARCHAR NOT NULL,
    area      VARCHAR NOT NULL,
    age       VARCHAR NOT NULL,
    inputs    BLOB NOT NULL,  -- the digest of the series (and totals) fitted and the options
    model     BLOB NOT NULL   -- the model, as indicators/nowcast encodes it
);
