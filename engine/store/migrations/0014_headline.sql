-- The Facts-and-Figures headline table of a year (ITU, Measuring digital development: Facts and
-- Figures): for the world, the ITU regions, the income groups and the LDCs, LLDCs and SIDS, the
-- share of the population using the Internet, the people online and offline, the shares of women
-- and men and the gender parity score, the urban and rural shares and their ratio, active
-- mobile-broadband subscriptions per 100 inhabitants and 4G and 5G population coverage.
--
-- One row per group and measure, every group and measure listed (a full grid), read from the
-- last computation's aggregates and gaps: totals over sex, area and age except the sex and area
-- measures. A value rests on an aggregate whose status is 'published' or 'nowcast' (without its
-- reported or interpolated share is below the minimum, nowcasts filling it); a withheld aggregate gives a row with no value and
-- status 'withheld', and a measure no member has a value of a row with no value and status
-- 'no data', so that the reader sees the gap. People online are the population aggregate (a sum)
-- × the share using the Internet / 100, and their 95% interval the population × the share's
-- bounds / 100; people offline are the gaps view's offline_persons, population × (100 − share) /
-- 100, with its interval (computed so from the aggregates where the gaps view has no row); both
-- in billions, and withheld where the population is. The 95% intervals are those of aggregates
-- in which nowcast members' values enter, propagated from the members' predictive intervals with
-- their errors equally correlated at the correlation the model measured (nowcast_models). Values formed without
-- nowcasts have no interval.
--
-- Names resolve as in any query, so that read as of a date (temporary views of the same names)
-- the table refuses or follows the date as the views it reads do.
CREATE OR REPLACE MACRO main.headline(y) AS TABLE
WITH grp AS (
    SELECT group_code, name AS group_name, kind AS group_kind,
           CASE kind WHEN 'world' THEN 1 WHEN 'itu_region' THEN 2 WHEN 'income' THEN 3
                     WHEN 'ldc' THEN 4 WHEN 'lldc' THEN 5 WHEN 'sids' THEN 6 END AS kind_order,
           CASE group_code WHEN 'LIC' THEN 1 WHEN 'LMC' THEN 2 WHEN 'UMC' THEN 3 WHEN 'HIC' THEN 4
                           WHEN 'LMY' THEN 5 ELSE 9 END AS income_order
    FROM groups
    WHERE kind IN ('world', 'itu_region', 'income', 'ldc', 'lldc', 'sids')),
msr (measure_order, measure, source, indicator, sex, area, measure_unit) AS (VALUES
    (1, 'internet_use_pct', 'aggregate', 'internet_use_pct', 'total', 'total', NULL),
    (2, 'online_persons', 'online', 'internet_use_pct', 'total', 'total', 'billion persons'),
    (3, 'offline_persons', 'offline', 'internet_use_pct', 'total', 'total', 'billion persons'),
    (4, 'internet_use_female_pct', 'aggregate', 'internet_use_pct', 'female', 'total', NULL),
    (5, 'internet_use_male_pct', 'aggregate', 'internet_use_pct', 'male', 'total', NULL),
    (6, 'gender_parity_score', 'gap', 'internet_use_pct', 'female', 'total', 'ratio (female % / male %)'),
    (7, 'internet_use_urban_pct', 'aggregate', 'internet_use_pct', 'total', 'urban', NULL),
    (8, 'internet_use_rural_pct', 'aggregate', 'internet_use_pct', 'total', 'rural', NULL),
    (9, 'urban_rural_ratio', 'gap', 'internet_use_pct', 'total', 'urban', 'ratio (urban % / rural %)'),
    (10, 'mobile_broadband_per100', 'aggregate', 'mobile_broadband_per100', 'total', 'total', NULL),
    (11, 'coverage_4g_pct', 'aggregate', 'coverage_4g_pct', 'total', 'total', NULL),
    (12, 'coverage_5g_pct', 'aggregate', 'coverage_5g_pct', 'total', 'total', NULL)),
agg AS (
    SELECT group_code, indicator, sex, area, status,
           CASE WHEN status IN ('published', 'nowcast') THEN value END AS value,
           CASE WHEN status IN ('published', 'nowcast') THEN ci_low END AS ci_low,
           CASE WHEN status IN ('published', 'nowcast') THEN ci_high END AS ci_high,
           coverage_reported, coverage_nowcast, coverage
    FROM aggregates
    WHERE year = CAST(y AS SMALLINT) AND age = 'total'
      AND indicator IN ('internet_use_pct', 'population', 'mobile_broadband_per100', 'coverage_4g_pct', 'coverage_5g_pct')),
pop AS (
    SELECT group_code, value AS people, status AS people_status
    FROM agg WHERE indicator = 'population' AND sex = 'total' AND area = 'total'),
gap AS (
    SELECT entity AS group_code, measure, value, ci_low, ci_high, nowcast, basis
    FROM gaps
    WHERE entity_kind = 'group' AND year = CAST(y AS SMALLINT) AND indicator = 'internet_use_pct' AND age = 'total'
      AND (measure IN ('gender_parity_score', 'offline_persons') AND area = 'total'
           OR measure = 'urban_rural_ratio' AND area = 'urban')),
cell AS (
    SELECT g.*, m.measure_order, m.measure, m.source, coalesce(m.measure_unit, i.unit) AS unit,
           a.value AS a_value, a.ci_low AS a_low, a.ci_high AS a_high, a.status AS a_status,
           a.coverage_reported, a.coverage_nowcast, a.coverage,
           -- the second part of a divide: male or rural
           b.value AS b_value, b.status AS b_status, b.coverage_reported AS b_reported,
           b.coverage_nowcast AS b_nowcast, b.coverage AS b_coverage,
           p.people, p.people_status,
           d.value AS d_value, d.ci_low AS d_low, d.ci_high AS d_high, d.nowcast AS d_nowcast, d.basis AS d_basis
    FROM grp g CROSS JOIN msr m
    LEFT JOIN indicators i ON i.indicator = m.indicator
    LEFT JOIN agg a ON a.group_code = g.group_code AND a.indicator = m.indicator AND a.sex = m.sex AND a.area = m.area
    LEFT JOIN agg b ON m.source = 'gap' AND b.group_code = g.group_code AND b.indicator = m.indicator
        AND b.sex = CASE m.measure WHEN 'gender_parity_score' THEN 'male' ELSE 'total' END
        AND b.area = CASE m.measure WHEN 'urban_rural_ratio' THEN 'rural' ELSE 'total' END
    LEFT JOIN pop p ON m.source IN ('online', 'offline') AND p.group_code = g.group_code
    LEFT JOIN gap d ON d.group_code = g.group_code
        AND d.measure = CASE m.source WHEN 'gap' THEN m.measure WHEN 'offline' THEN 'offline_persons' END),
valued AS (
    SELECT *,
        CASE source
            WHEN 'aggregate' THEN a_value
            WHEN 'online' THEN people * a_value / 100 / 1e9
            WHEN 'offline' THEN coalesce(d_value, people * (100 - a_value) / 100) / 1e9
            WHEN 'gap' THEN d_value
        END AS value,
        CASE source
            WHEN 'aggregate' THEN a_low
            WHEN 'online' THEN people * a_low / 100 / 1e9
            WHEN 'offline' THEN coalesce(d_low, people * (100 - a_high) / 100) / 1e9
            WHEN 'gap' THEN d_low
        END AS ci_low,
        CASE source
            WHEN 'aggregate' THEN a_high
            WHEN 'online' THEN people * a_high / 100 / 1e9
            WHEN 'offline' THEN coalesce(d_high, people * (100 - a_low) / 100) / 1e9
            WHEN 'gap' THEN d_high
        END AS ci_high
    FROM cell)
SELECT group_code, group_name, group_kind, measure, unit, CAST(y AS SMALLINT) AS year, value, ci_low, ci_high,
    CASE
        WHEN value IS NOT NULL AND (a_status = 'nowcast' OR b_status = 'nowcast' OR d_nowcast OR people_status = 'nowcast') THEN 'nowcast'
        WHEN value IS NOT NULL THEN 'published'
        WHEN a_status = 'withheld' OR b_status = 'withheld' OR people_status = 'withheld' THEN 'withheld'
        ELSE 'no data'
    END AS status,
    CASE WHEN source = 'gap' THEN least(coverage_reported, b_reported) ELSE coverage_reported END AS coverage_reported,
    CASE WHEN source = 'gap' THEN greatest(coverage_nowcast, b_nowcast) ELSE coverage_nowcast END AS coverage_nowcast,
    CASE WHEN source = 'gap' THEN least(coverage, b_coverage) ELSE coverage END AS coverage,
    CASE
        WHEN value IS NULL THEN NULL
        WHEN source IN ('gap', 'offline') THEN coalesce(d_basis, 'ictstat aggregate')
        ELSE 'ictstat aggregate'
    END AS basis
FROM valued
ORDER BY kind_order, income_order, group_code, measure_order;
