-- 012: France Travail's job repertoire, ROME 4.0 (issue 23), as `skillmatch import rome DIR`
-- stores it (taxonomy/rome.h): codes, job titles, the ROME↔ESCO crosswalk, skill labels, each
-- code's skills and the mobility between codes. Replaced whole by each import; the server keeps
-- it in memory (loaded with the taxonomy; SIGHUP reloads). ESCO URIs are kept as text: the
-- crosswalk may name an occupation of another ESCO version than the one imported.
CREATE TABLE rome_jobs (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z][0-9]{4}$'),
    label text NOT NULL,
    definition text NOT NULL DEFAULT ''
);
CREATE TABLE rome_titles (
    ogr integer PRIMARY KEY,
    code text NOT NULL REFERENCES rome_jobs ON DELETE CASCADE,
    label text NOT NULL,
    main boolean NOT NULL DEFAULT false,
    rare boolean NOT NULL DEFAULT false
);
CREATE TABLE rome_links (
    ogr integer NOT NULL REFERENCES rome_titles ON DELETE CASCADE,
    esco_uri text NOT NULL,
    relation text NOT NULL CHECK (relation IN ('exact', 'close', 'broad', 'narrow')),
    PRIMARY KEY (ogr, esco_uri)
);
CREATE TABLE rome_skill_labels (
    ogr integer PRIMARY KEY,
    label text NOT NULL
);
CREATE TABLE rome_skills (
    code text NOT NULL REFERENCES rome_jobs ON DELETE CASCADE,
    ogr integer NOT NULL REFERENCES rome_skill_labels ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('savoir', 'savoir_faire', 'savoir_etre_professionnel')),
    core boolean NOT NULL DEFAULT false,
    PRIMARY KEY (code, ogr)
);
CREATE TABLE rome_moves (
    code text NOT NULL REFERENCES rome_jobs ON DELETE CASCADE,
    target text NOT NULL REFERENCES rome_jobs ON DELETE CASCADE,
    rank integer NOT NULL,
    PRIMARY KEY (code, target)
);
-- GET /v1/offers?rome=D1505: the offers named by a ROME code, in id order.
CREATE INDEX offers_rome ON offers ((doc->>'rome'), id);
CREATE TABLE rome_imports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source text NOT NULL,
    jobs integer NOT NULL,
    titles integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
