/*
 * taxonomy_store.h: the taxonomy in PostgreSQL.
 *
 * An import writes one source's concepts, labels, relations, DigComp levels
 * and statements ('esco', 'digcomp' or 'builtin') in one transaction,
 * replacing what that source held for the concepts it names; concepts it no
 * longer names keep their facts, marked obsolete, so their URIs stay
 * resolvable. Concepts keep their number (cid) for ever. Loading replays the
 * sources in the loader's order (ESCO, DigComp, built-in) into a new taxonomy
 * and finalizes it.
 */
#ifndef SM_TAXONOMY_STORE_H
#define SM_TAXONOMY_STORE_H

#include "taxonomy/taxonomy.h"

#include <libpq-fe.h>
#include <stdint.h>

/* Concept numbers in the database <-> ids in one loaded taxonomy. */
typedef struct sm_concept_map {
    uint32_t *id_of;  /* by cid: taxonomy id, SM_NO_CONCEPT when none */
    uint32_t cid_cap; /* entries of id_of */
    uint32_t *cid_of; /* by taxonomy id: cid, 0 when the concept is not stored */
    uint32_t id_cap;
} sm_concept_map;

void sm_concept_map_free(sm_concept_map *map);
static inline uint32_t sm_concept_id(const sm_concept_map *map, uint32_t cid)
{
    return cid < map->cid_cap ? map->id_of[cid] : SM_NO_CONCEPT;
}

/*
 * Writes tx (finalized, holding one source's data) as source ('esco',
 * 'digcomp', 'builtin'); detail is recorded with the import. *concepts: how
 * many it described. On error the transaction is rolled back and err says why.
 */
int sm_store_import_taxonomy(PGconn *c, const char *source, const char *detail,
                             const sm_taxonomy *tx, size_t *concepts, sm_error *err);
/*
 * Builds and finalizes the taxonomy the database holds, with the concept map.
 * SM_ENOTFOUND when nothing was ever imported.
 */
int sm_store_load_taxonomy(PGconn *c, sm_taxonomy **out, sm_concept_map *map, sm_error *err);

/* Every concept URI stored, each given to each(arg, uri, len) until it answers other than
 * SM_OK: SM_OK, that answer, or SM_EIO with err set. */
int sm_store_concept_uris(PGconn *c, int (*each)(void *arg, const char *uri, size_t len), void *arg,
                          sm_error *err);

#endif
