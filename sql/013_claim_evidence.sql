-- 013: a fifth kind of evidence, from_experience (issue 23: a skill proposed from a job the
-- person did and confirmed by them). profiles.skills packs each claim as cid << 7 | evidence
-- << 4 | level from now on (three bits of evidence; two before: cid << 6).
UPDATE profiles
   SET skills = ARRAY(SELECT ((v >> 6) << 7) | (v & 63) FROM unnest(skills) WITH ORDINALITY AS u(v, i)
                      ORDER BY i)
 WHERE cardinality(skills) > 0;
