-- 006: the change feed numbers offers apart. Organisations and training providers read the
-- feed of offers only; numbered in the one sequence shared with profiles, the gaps between
-- two offer entries counted the profiles created, changed and erased meanwhile. Offer
-- entries now also carry offer_seq, from a sequence of their own, set by a trigger (so a
-- server that predates this migration still writes them right): it is the number those
-- readers see; admin keys still read every entry by seq.
CREATE SEQUENCE changes_offer_seq AS bigint;
ALTER TABLE changes ADD COLUMN offer_seq bigint UNIQUE;
WITH o AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM changes WHERE object = 'offer')
UPDATE changes c SET offer_seq = o.n FROM o WHERE c.seq = o.seq;
SELECT setval('changes_offer_seq', COALESCE((SELECT max(offer_seq) FROM changes), 0) + 1, false);

CREATE FUNCTION number_offer_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.object = 'offer' THEN
        NEW.offer_seq := nextval('changes_offer_seq');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER number_offer_change BEFORE INSERT ON changes
    FOR EACH ROW EXECUTE FUNCTION number_offer_change();
ALTER TABLE changes ADD CONSTRAINT offer_entries_numbered
    CHECK ((object = 'offer') = (offer_seq IS NOT NULL));
COMMENT ON COLUMN changes.offer_seq IS
    'The number of an offer entry in the feed organisations read (no gaps for profiles)';
