-- 009: who read or changed personal data, and when a profile was last used (issue 21).
--
-- audit: one row per read or change of a profile (GDPR articles 5(2), 30, 32): the key that
-- acted ("key:ID", "anonymous" for a person creating their own profile without one,
-- "system" for the retention job), what it did, and the profile named by its keyed hash
-- (sm_feed_id, as in the change feed), never by its id, and nothing of its content. Kept
-- `serve --audit-days` (default 365) days, then purged by the writer thread.
CREATE TABLE audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    object uuid NOT NULL
);
CREATE INDEX audit_object ON audit (object, id);
CREATE INDEX audit_at ON audit (at);

-- last_used_at: the last read or change of the profile with the person's own key or by the
-- organisation that created it, or any change. A profile unused for `serve --retention-days`
-- (default 730) is erased. Profiles stored before this migration count from now.
ALTER TABLE profiles ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX profiles_last_used ON profiles (last_used_at);

-- Consent per purpose: each purpose becomes a record {"given", "at", "text_version"} (the API
-- sets it, api/consent.h). Purposes stored before as a bare true/false become {"given": …},
-- with no time or version: none was recorded. Key order is kept (doc is json).
UPDATE profiles
SET doc = (
    SELECT json_object_agg(k, CASE WHEN k = 'consent' THEN (
        SELECT json_object_agg(ck, CASE WHEN json_typeof(cv) = 'boolean'
                                        THEN json_build_object('given', cv) ELSE cv END)
        FROM json_each(v) AS c(ck, cv)) ELSE v END)
    FROM json_each(doc) AS e(k, v))
WHERE json_typeof(doc -> 'consent') = 'object'
  AND EXISTS (SELECT 1 FROM json_each(doc -> 'consent') AS c(ck, cv)
              WHERE json_typeof(cv) = 'boolean');
