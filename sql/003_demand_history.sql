-- Skills demand, week by week: the server stores the current week's counts for
-- every skill (all areas together) each hour, so GET /v1/demand/history can show
-- how demand and supply moved. People counts are stored as counted and suppressed
-- below 5 when shown.
CREATE TABLE demand_weekly (
    week date NOT NULL,     -- the Monday of the week
    cid integer NOT NULL,   -- concepts.cid
    offers_essential integer NOT NULL,
    offers_optional integer NOT NULL,
    trainings integer NOT NULL,
    seats integer NOT NULL,
    profiles integer NOT NULL,
    one_away integer NOT NULL,
    two_away integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cid, week)
);
