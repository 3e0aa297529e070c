-- 010: what the retention job needs, and what it must not cost (issue 21).
-- An erasure deletes the profile's seeker keys by profile_id: an index, not a scan of every
-- key, for each of the profiles the job erases.
CREATE INDEX IF NOT EXISTS api_keys_profile ON api_keys (profile_id) WHERE profile_id IS NOT NULL;
-- No index on profiles.last_used_at: the restart of a profile's clock (at most once a minute
-- a profile) then stays a heap-only update; the job's hourly look for unused profiles reads
-- the table once instead.
DROP INDEX IF EXISTS profiles_last_used;
