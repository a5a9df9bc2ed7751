-- The ICT Development Index, as `ictstat compute` last computed it for every edition it knows.

CREATE TABLE store.idi (
    edition        SMALLINT NOT NULL,
    data_year      SMALLINT NOT NULL,  -- the year values are taken from, else the year before
    entity         VARCHAR NOT NULL,   -- economy (ISO3) or group code
    entity_kind    VARCHAR NOT NULL,   -- economy or group
    name           VARCHAR NOT NULL,
    scored         BOOLEAN NOT NULL,
    universal      DOUBLE,
    meaningful     DOUBLE,
    idi            DOUBLE,
    members        INTEGER,            -- groups: members in the data year
    scored_members INTEGER,            -- groups: members with a score, over which the average is taken
    reason         VARCHAR             -- economies without a score: why
);

-- The input values of the economies' scores.
CREATE TABLE store.idi_inputs (
    edition   SMALLINT NOT NULL,
    economy   VARCHAR NOT NULL,
    input     VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    year      SMALLINT NOT NULL,
    value     DOUBLE NOT NULL,
    estimated BOOLEAN NOT NULL,
    score     DOUBLE NOT NULL          -- normalised, 0-100
);

CREATE VIEW main.idi AS SELECT * FROM store.idi;
CREATE VIEW main.idi_inputs AS SELECT * FROM store.idi_inputs;
