-- 011: the places people name (issue 22): every French commune, the arrondissements of Paris,
-- Lyon and Marseille, the communes of the overseas collectivities, as `skillmatch import
-- places FILE` stores them (taxonomy/places.h). Replaced whole by each import; the server
-- keeps them in memory (loaded with the taxonomy; SIGHUP reloads).
CREATE TABLE places (
    insee text PRIMARY KEY,
    name text NOT NULL,
    postcodes text NOT NULL DEFAULT '',  -- 5-digit codes separated by spaces
    departement text NOT NULL,
    population integer NOT NULL DEFAULT 0,
    lat double precision,                -- NULL with lon: no point known
    lon double precision,
    kind text NOT NULL CHECK (kind IN ('commune', 'commune_com', 'arrondissement_municipal')),
    parent text NOT NULL DEFAULT '',     -- an arrondissement's commune
    CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE TABLE places_imports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source text NOT NULL,
    places integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
