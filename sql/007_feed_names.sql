-- 007: the change feed names people by a keyed hash, not by their profile id (issue 21):
-- once a profile is erased, its entries in the feed cannot be linked to the person by anyone
-- who learned the id. "feed": the key of those names (HMAC-SHA-256 of "profile:" and the
-- id, its first 16 bytes written as a UUID of version 8; sql/keys.c, sm_feed_id). The
-- profile entries already in the feed are renamed by `skillmatch migrate` after the
-- migrations (api/cmd_db.c, sm_feed_rename_profiles).
INSERT INTO server_secrets (name, value)
VALUES ('feed', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'))
ON CONFLICT (name) DO NOTHING;
COMMENT ON COLUMN changes.id IS
    'An offer''s id; for a profile, its keyed name (sm_feed_id), never the profile id';
