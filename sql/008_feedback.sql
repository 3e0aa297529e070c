-- 008: what a person says of a match shown to them (issue 21, GDPR article 21/22): wrong
-- ("this job does not fit what I can do") or unwanted ("do not show me this"), with an
-- optional comment, kept for review. Erased with the profile (ON DELETE CASCADE) and listed
-- in its export.
CREATE TABLE feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    offer_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('wrong', 'unwanted')),
    comment text NOT NULL DEFAULT '',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_profile ON feedback (profile_id);
