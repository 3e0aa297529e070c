-- Training offers: the funding schemes (bit i for the i-th name of api/gen.c's
-- sm_funding_names; other names are kept in doc only) and the start dates (days
-- since 1970-01-01), as columns so that the index loads them with COPY.
-- Existing rows are filled from their documents.
ALTER TABLE offers ADD COLUMN funding integer NOT NULL DEFAULT 0;
ALTER TABLE offers ADD COLUMN start_dates integer[] NOT NULL DEFAULT '{}';
UPDATE offers SET
    funding = (SELECT coalesce(bit_or(CASE f
                   WHEN 'CPF' THEN 1 WHEN 'OPCO' THEN 2 WHEN 'France Travail' THEN 4
                   WHEN 'region' THEN 8 WHEN 'employer' THEN 16 WHEN 'PIC' THEN 32
                   WHEN 'AGEFIPH' THEN 64 WHEN 'self' THEN 128 ELSE 0 END), 0)
               FROM json_array_elements_text(doc->'funding') AS f),
    start_dates = ARRAY(SELECT (d::date - DATE '1970-01-01')
                        FROM json_array_elements_text(doc->'start_dates') AS d ORDER BY 1)
WHERE kind = 1 AND (doc->'funding' IS NOT NULL OR doc->'start_dates' IS NOT NULL);
