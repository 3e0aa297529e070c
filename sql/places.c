/* places.c: the places table's statements (see places.h). */
#include "sql/places.h"
#include "sql/copy.h"
#include "sql/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"commune", "commune_com", "arrondissement_municipal"};

int sm_store_places_replace(PGconn *c, const sm_places *p, const char *source, sm_error *err)
{
    int rc = sm_db_begin(c, err);
    if (rc == SM_OK)
        rc = sm_db_exec(c, "DELETE FROM places", 0, NULL, NULL, err);
    if (rc == SM_OK)
        rc = sm_db_exec(c,
                        "COPY places (insee, name, postcodes, departement, population, lat, lon, "
                        "kind, parent) FROM STDIN",
                        0, NULL, NULL, err);
    if (rc == SM_OK) {
        sm_copy cp;
        sm_copy_begin(&cp, c);
        for (size_t i = 0; i < sm_places_count(p); i++) {
            const sm_commune *q = sm_places_at(p, i);
            char lat[32], lon[32];
            snprintf(lat, sizeof lat, "%.6f", q->lat);
            snprintf(lon, sizeof lon, "%.6f", q->lon);
            sm_copy_str(&cp, q->insee);
            sm_copy_str(&cp, q->name);
            sm_copy_str(&cp, q->postcodes);
            sm_copy_str(&cp, q->departement);
            sm_copy_int(&cp, q->population);
            if (q->located) {
                sm_copy_str(&cp, lat);
                sm_copy_str(&cp, lon);
            } else {
                sm_copy_null(&cp);
                sm_copy_null(&cp);
            }
            sm_copy_str(&cp, kind_names[q->kind]);
            sm_copy_str(&cp, q->parent);
            sm_copy_row_end(&cp);
        }
        rc = sm_copy_end(&cp, err);
    }
    char count[24];
    snprintf(count, sizeof count, "%zu", sm_places_count(p));
    const char *params[] = {source, count};
    if (rc == SM_OK)
        rc = sm_db_exec(c, "INSERT INTO places_imports (source, places) VALUES ($1, $2)", 2, params,
                        NULL, err);
    if (rc == SM_OK)
        rc = sm_db_commit(c, err);
    if (rc != SM_OK)
        sm_db_rollback(c);
    return rc;
}

typedef struct load_ctx {
    sm_places_builder *b;
    sm_error *err;
    size_t rows;
} load_ctx;

static int add_row(void *arg, char *row, size_t len)
{
    load_ctx *x = arg;
    char *f[9];
    if (sm_copy_split_row(row, len, f, 9) != 9 || !f[0] || !f[1] || !f[3] || !f[7])
        return sm_error_set(x->err, SM_EINVAL, "places: a row of %zu fields", len);
    sm_commune q;
    memset(&q, 0, sizeof q);
    snprintf(q.insee, sizeof q.insee, "%s", f[0]);
    q.name = f[1];
    q.postcodes = f[2] ? f[2] : "";
    snprintf(q.departement, sizeof q.departement, "%s", f[3]);
    q.population = f[4] ? (uint32_t)strtoul(f[4], NULL, 10) : 0;
    q.located = f[5] && f[6];
    q.lat = f[5] ? strtod(f[5], NULL) : 0;
    q.lon = f[6] ? strtod(f[6], NULL) : 0;
    q.kind = !strcmp(f[7], "commune_com")                ? SM_PLACE_COM
             : !strcmp(f[7], "arrondissement_municipal") ? SM_PLACE_ARRONDISSEMENT
                                                         : SM_PLACE_COMMUNE;
    snprintf(q.parent, sizeof q.parent, "%s", f[8] ? f[8] : "");
    x->rows++;
    sm_error why = {0};
    int rc = sm_places_add(x->b, &q, &why);
    return rc == SM_OK ? SM_OK : sm_error_set(x->err, rc, "places: %s", why.message);
}

int sm_store_places_load(PGconn *c, sm_places **out, sm_error *err)
{
    *out = NULL;
    load_ctx x = {NULL, err, 0};
    if (sm_places_builder_new(&x.b) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    int rc = sm_copy_out(c,
                         "COPY (SELECT insee, name, postcodes, departement, population, lat, lon, "
                         "kind, parent FROM places) TO STDOUT",
                         add_row, &x, err);
    if (rc != SM_OK || !x.rows) {
        sm_places_builder_free(x.b);
        return rc;
    }
    sm_error why = {0};
    if ((rc = sm_places_finish(x.b, out, &why)) != SM_OK)
        sm_error_set(err, rc, "places: %s", why.message);
    return rc;
}
