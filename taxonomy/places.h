/*
 * places.h: the places people name. Every French commune (and the arrondissements of Paris,
 * Lyon and Marseille, and the communes of the overseas collectivities) with its INSEE code,
 * postcodes, département, population and centre point, looked up by INSEE code, by postcode,
 * by name (accents, case, hyphens, apostrophes, "St"/"Ste" and arrondissements as "Lyon 3e",
 * "Paris 11" forgiven) and by the first letters of a name or postcode (autocomplete).
 *
 * Built once (from the communes CSV by the importer, from PostgreSQL by the server), then
 * read-only: any number of threads may look up at once. No HTTP, no SQL.
 */
#ifndef SM_PLACES_H
#define SM_PLACES_H

#include "taxonomy/base/error.h"

#include <stddef.h>
#include <stdint.h>

typedef enum sm_place_kind {
    SM_PLACE_COMMUNE,        /* a commune of the COG (DROM included) */
    SM_PLACE_COM,            /* a commune of an overseas collectivity */
    SM_PLACE_ARRONDISSEMENT, /* an arrondissement of Paris, Lyon or Marseille */
} sm_place_kind;

typedef struct sm_commune {
    char insee[6];         /* "59512", "2A004" */
    char departement[4];   /* "59", "2A", "974" */
    char parent[6];        /* an arrondissement's commune, else "" */
    const char *name;      /* as written: "Roubaix", "Paris 11e Arrondissement" */
    const char *postcodes; /* separated by spaces; "" when none */
    uint32_t population;   /* 0 when unknown */
    int located;           /* lat and lon known (5 TAAF districts have none) */
    double lat, lon;
    sm_place_kind kind;
} sm_commune;

typedef struct sm_places sm_places;

/* Places added one by one, then sm_places_finish. Strings are copied. */
typedef struct sm_places_builder sm_places_builder;
int sm_places_builder_new(sm_places_builder **out);
/* Adds a place (p's strings copied): SM_OK, SM_ENOMEM, or SM_EINVAL with err naming the field
 * (INSEE code, département, postcode, a point out of range, a kind). */
int sm_places_add(sm_places_builder *b, const sm_commune *p, sm_error *err);
/* The places added (b consumed, also on failure): SM_OK, SM_ENOMEM, or SM_EINVAL when an INSEE
 * code is there twice or an arrondissement's commune is missing (err says which). */
int sm_places_finish(sm_places_builder *b, sm_places **out, sm_error *err);
void sm_places_builder_free(sm_places_builder *b);

/* Reads the communes CSV (columns insee, name, postcodes, departement, population, lat, lon,
 * type, parent_insee): SM_OK, or an error naming the file, line and column. */
int sm_places_load_csv(const char *path, sm_places **out, sm_error *err);
/* The same of len bytes in memory (name: the file's name in messages). */
int sm_places_load_buffer(const char *name, const char *data, size_t len, sm_places **out,
                          sm_error *err);

void sm_places_free(sm_places *p);
size_t sm_places_count(const sm_places *p);
const sm_commune *sm_places_at(const sm_places *p, size_t i);

/* The place of an INSEE code, or NULL. */
const sm_commune *sm_places_insee(const sm_places *p, const char *insee);
/* The places a postcode serves, into out (at most cap), the one to use first: an
 * arrondissement before the city that holds it, then the most populous. Returns how many
 * there are in all (may exceed cap). */
size_t sm_places_postcode(const sm_places *p, const char *postcode, const sm_commune **out,
                          size_t cap);
/* The places called name (forgiving as above; "Saint-Denis (93)" names its département), in
 * departement when not NULL, most populous first: how many in all, at most cap written. */
size_t sm_places_named(const sm_places *p, const char *name, const char *departement,
                       const sm_commune **out, size_t cap);
/* Autocomplete: the places whose name starts with q (forgiving as above), or whose postcode
 * starts with q when q is digits, most populous first; at most cap. */
size_t sm_places_complete(const sm_places *p, const char *q, const sm_commune **out, size_t cap);

/* A name as places compare them: folded (case, accents), words separated by one space,
 * "st"/"ste" written out, arrondissement ordinals as numbers ("paris 11"). Returns its length,
 * at most cap - 1 bytes written (cut at a word). */
size_t sm_place_key(const char *name, size_t len, char *out, size_t cap);

#endif
