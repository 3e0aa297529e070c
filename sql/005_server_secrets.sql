-- 005: secrets the server keys its hashes with, kept with the data they protect (a restart
-- or a second server gives the same names). "pseudonyms": the key of the names an organisation
-- sees for candidates who did not share their contact details (HMAC-SHA-256 of offer and
-- profile): without it, anyone who once learned a profile id could recognise that person on
-- every offer. 32 bytes from two version-4 UUIDs (PostgreSQL's strong random source, 244
-- random bits).
CREATE TABLE server_secrets (
    name text PRIMARY KEY,
    value bytea NOT NULL CHECK (length(value) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO server_secrets (name, value)
VALUES ('pseudonyms',
        decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
COMMENT ON TABLE server_secrets IS
    'Keys of the server''s keyed hashes (api/README.md, "Privacy"); never shown by the API';
