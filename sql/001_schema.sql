-- 001_schema.sql: the first schema of skillmatch.
--
-- PostgreSQL is the source of truth; the server's memory is an index rebuilt
-- from these tables at start. Skill references are stored as concept numbers
-- (concepts.cid, stable across imports, never reused) packed with their flags
-- into integer arrays, so a million offers load with one COPY each.

-- Taxonomy: concepts keep their number for ever, so URIs of an older ESCO
-- version stay resolvable; every fact is owned by the source that imported it
-- ('esco', 'digcomp', 'builtin'), and a re-import replaces its source's facts.
CREATE TABLE concepts (
    cid integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uri text NOT NULL UNIQUE
);

CREATE TABLE concept_facts (
    source text NOT NULL,
    cid integer NOT NULL REFERENCES concepts,
    type smallint NOT NULL,
    code text NOT NULL DEFAULT '',
    reuse smallint NOT NULL DEFAULT 0,
    collections integer NOT NULL DEFAULT 0,
    description_en text NOT NULL DEFAULT '',
    description_fr text NOT NULL DEFAULT '',
    obsolete boolean NOT NULL DEFAULT false, -- absent from the source's latest import
    PRIMARY KEY (source, cid)
);

CREATE TABLE concept_labels (
    source text NOT NULL,
    cid integer NOT NULL REFERENCES concepts,
    lang smallint NOT NULL,
    kind smallint NOT NULL, -- 0 preferred, 1 alternative, 2 hidden
    text text NOT NULL
);
CREATE INDEX concept_labels_source ON concept_labels (source, cid);

CREATE TABLE concept_relations (
    source text NOT NULL,
    from_cid integer NOT NULL REFERENCES concepts,
    to_cid integer NOT NULL REFERENCES concepts,
    relation smallint NOT NULL
);
CREATE INDEX concept_relations_source ON concept_relations (source, from_cid);

CREATE TABLE taxonomy_levels (
    source text NOT NULL,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 8),
    name text NOT NULL,
    name_fr text NOT NULL,
    description text NOT NULL,
    PRIMARY KEY (source, level)
);

CREATE TABLE taxonomy_statements (
    source text NOT NULL,
    cid integer NOT NULL REFERENCES concepts,
    band text NOT NULL,
    text text NOT NULL
);

CREATE TABLE taxonomy_imports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source text NOT NULL,
    detail text NOT NULL,
    concepts integer NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- API keys: only a SHA-256 of each key is kept. A seeker key is bound to one profile.
CREATE TABLE api_keys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'inclusion_org', 'training_provider', 'seeker')),
    hash bytea NOT NULL UNIQUE,
    profile_id uuid,
    rate_limit integer NOT NULL DEFAULT 0, -- requests a minute; 0: the server's default
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Offers: the document as the API shows it, and what the index needs, packed.
-- skills/teaches: cid << 5 | essential << 4 | level (0..8).
CREATE TABLE offers (
    id uuid PRIMARY KEY,
    kind smallint NOT NULL, -- 0 job, 1 training
    owner text NOT NULL,    -- the organisation whose key created it
    doc json NOT NULL, -- as given (key order kept)
    skills integer[] NOT NULL,
    teaches integer[] NOT NULL,
    lat double precision,
    lon double precision,
    remote boolean NOT NULL,
    hours real NOT NULL,
    valid_from integer NOT NULL,    -- days since 1970-01-01, 0 = open
    valid_through integer NOT NULL, -- days since 1970-01-01, 0 = open
    occupation integer,             -- concepts.cid
    flags integer NOT NULL,
    org_kind smallint NOT NULL,
    contract_type smallint NOT NULL,
    duration_hours real NOT NULL,
    cost real NOT NULL,
    seats integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_owner ON offers (owner, kind, id);
CREATE INDEX offers_kind ON offers (kind, id);

-- Profiles: personal data, erased on request. skills: cid << 6 | evidence << 4 | level.
CREATE TABLE profiles (
    id uuid PRIMARY KEY,
    owner text, -- the inclusion organisation that created it, NULL when the person did
    doc json NOT NULL, -- as given (key order kept)
    skills integer[] NOT NULL,
    lat double precision,
    lon double precision,
    radius_km real NOT NULL,
    constraints integer NOT NULL,
    consent integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The ordered feed of changes for mirrors (GET /v1/changes).
CREATE TABLE changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object text NOT NULL CHECK (object IN ('offer', 'profile')),
    id uuid NOT NULL,
    op text NOT NULL CHECK (op IN ('upsert', 'delete')),
    kind smallint, -- offers: 0 job, 1 training
    at timestamptz NOT NULL DEFAULT now()
);

-- Answers kept for Idempotency-Key retries (a day).
CREATE TABLE idempotency (
    scope text NOT NULL, -- the key's id, or the client address without a key
    key text NOT NULL,
    request bytea NOT NULL, -- SHA-256 of method, path and body
    status integer NOT NULL,
    body text NOT NULL,
    profile_id uuid, -- erased with the profile it tells of
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_profile ON idempotency (profile_id) WHERE profile_id IS NOT NULL;
CREATE INDEX idempotency_created ON idempotency (created_at);
