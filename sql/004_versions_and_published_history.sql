-- 004: a version per offer and profile, for ETag and If-Match (a counsellor and the person
-- do not overwrite each other's changes); and the weekly demand history holding counts of
-- people as published only.

-- Each write of a row sets version = version + 1; the API shows it as the ETag "v<version>".
ALTER TABLE offers ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE profiles ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- From now on the server stores, each week, people counts as published (api/README.md,
-- "Privacy": per grid cell, below 5 counted 0, above rounded down to a multiple of 5, summed).
-- Rows stored before held them as counted: they are published the same way here, so that
-- no stored count below 5 remains.
UPDATE demand_weekly SET
    profiles = CASE WHEN profiles < 5 THEN 0 ELSE profiles - profiles % 5 END,
    one_away = CASE WHEN one_away < 5 THEN 0 ELSE one_away - one_away % 5 END,
    two_away = CASE WHEN two_away < 5 THEN 0 ELSE two_away - two_away % 5 END;
COMMENT ON TABLE demand_weekly IS
    'Skills demand week by week; counts of people as published (never below 5, multiples of 5)';
