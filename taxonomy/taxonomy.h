/*
 * taxonomy.h: the in-memory skills taxonomy (ESCO, DigComp, our built-in
 * starter set).
 *
 * Concepts have dense ids 0..count-1 and a URI; the URI -> id map is an
 * sm_strmap (XXH3 with a random seed). Each concept has a type, preferred,
 * alternative and hidden labels per language, a description per language,
 * an optional code (ISCO code, DigComp number), a reuse level and collection
 * tags. Relations are stored as edges and, after sm_taxonomy_finalize, read
 * through compressed adjacency lists in both directions.
 *
 * Life cycle: build with the sm_taxonomy_add_* / set_* calls (importers do
 * this), then sm_taxonomy_finalize. After finalize the taxonomy is read-only
 * and safe to read from many threads; a later change needs another finalize.
 * Strings returned by accessors live as long as the taxonomy.
 */
#ifndef SM_TAXONOMY_H
#define SM_TAXONOMY_H

#include "taxonomy/base/error.h"
#include "taxonomy/base/str.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sm_taxonomy sm_taxonomy;
typedef struct sm_similarity sm_similarity;

#define SM_NO_CONCEPT UINT32_MAX

typedef enum sm_concept_type {
    SM_CT_UNKNOWN = 0, /* referenced by a relation but never described */
    SM_CT_SKILL,       /* ESCO skill/competence, built-in skill */
    SM_CT_KNOWLEDGE,
    SM_CT_SKILL_GROUP,
    SM_CT_OCCUPATION,
    SM_CT_ISCO_GROUP,
    SM_CT_DIGCOMP_AREA,
    SM_CT_DIGCOMP_COMPETENCE,
    SM_CT__COUNT
} sm_concept_type;

typedef enum sm_lang { SM_LANG_EN = 0, SM_LANG_FR = 1, SM_LANG_COUNT = 2 } sm_lang;

typedef enum sm_label_kind {
    SM_LABEL_PREFERRED = 0,
    SM_LABEL_ALT = 1,
    SM_LABEL_HIDDEN = 2
} sm_label_kind;

enum {
    SM_COLL_DIGITAL = 1 << 0,
    SM_COLL_TRANSVERSAL = 1 << 1,
    SM_COLL_LANGUAGE = 1 << 2,
    SM_COLL_GREEN = 1 << 3,
    SM_COLL_DIGCOMP = 1 << 4,
    SM_COLL_BUILTIN = 1 << 5 /* part of our starter taxonomy */
};

typedef enum sm_reuse {
    SM_REUSE_UNKNOWN = 0,
    SM_REUSE_TRANSVERSAL,
    SM_REUSE_CROSS_SECTOR,
    SM_REUSE_SECTOR_SPECIFIC,
    SM_REUSE_OCCUPATION_SPECIFIC
} sm_reuse;

/* Relation kinds, as stored (from -> to). */
typedef enum sm_relation {
    SM_REL_BROADER = 0,     /* from is narrower than to (hierarchy) */
    SM_REL_SKILL_ESSENTIAL, /* skill from needs skill to */
    SM_REL_SKILL_OPTIONAL,  /* skill from is helped by skill to */
    SM_REL_OCC_ESSENTIAL,   /* occupation from requires skill to */
    SM_REL_OCC_OPTIONAL,    /* occupation from may ask for skill to */
    SM_REL_DIGCOMP,         /* skill from belongs to DigComp competence to */
    SM_REL__COUNT
} sm_relation;

/* Adjacency lists available after finalize. */
typedef enum sm_adjacency {
    SM_ADJ_BROADER = 0, /* concept -> its broader concepts */
    SM_ADJ_NARROWER,    /* concept -> its narrower concepts */
    SM_ADJ_RELATED,     /* skill <-> skill relations, both directions */
    SM_ADJ_OCC_SKILLS,  /* occupation -> skills (kind: essential/optional) */
    SM_ADJ_SKILL_OCCS,  /* skill -> occupations asking for it */
    SM_ADJ_DIGCOMP,     /* skill <-> DigComp competence, both directions */
    SM_ADJ__COUNT
} sm_adjacency;

typedef struct sm_edge {
    uint32_t concept;
    uint8_t relation; /* an sm_relation */
} sm_edge;

typedef struct sm_label {
    uint32_t concept;
    uint8_t lang, kind;
    const char *text;
} sm_label;

typedef struct sm_level {
    int level;        /* 1..8 */
    const char *name; /* four-level band: Basic, Intermediate, Advanced, Highly advanced */
    const char *name_fr;
    const char *description;
} sm_level;

typedef struct sm_statement {
    uint32_t concept; /* the DigComp competence */
    const char *band; /* four-level band name, may be "" */
    const char *text;
} sm_statement;

/* Returns a new empty taxonomy, or NULL when out of memory. */
sm_taxonomy *sm_taxonomy_new(void);
/* Frees everything the taxonomy owns; NULL is a no-op. */
void sm_taxonomy_free(sm_taxonomy *tx);

/*
 * Returns in *id the concept with this URI, creating it (with type) when
 * absent. A known concept of type SM_CT_UNKNOWN takes the given type.
 * Errors: SM_EINVAL (empty URI or over 1 KiB), SM_ENOMEM; taxonomy unchanged.
 */
int sm_taxonomy_intern(sm_taxonomy *tx, sm_str uri, sm_concept_type type, uint32_t *id);
/* Looks a URI up: its id, or SM_NO_CONCEPT. */
uint32_t sm_taxonomy_find(const sm_taxonomy *tx, sm_str uri);

/*
 * Adds a label. A preferred label replaces the concept's preferred label in
 * that language; alternative and hidden labels accumulate (duplicates are
 * removed by finalize). Empty text is ignored. Errors: SM_ENOMEM.
 */
int sm_taxonomy_add_label(sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_label_kind kind,
                          sm_str text);
int sm_taxonomy_set_description(sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_str text);
int sm_taxonomy_set_code(sm_taxonomy *tx, uint32_t id, sm_str code);
void sm_taxonomy_set_type(sm_taxonomy *tx, uint32_t id, sm_concept_type type);
void sm_taxonomy_set_reuse(sm_taxonomy *tx, uint32_t id, sm_reuse reuse);
void sm_taxonomy_add_collections(sm_taxonomy *tx, uint32_t id, unsigned collections);
/* Adds an edge from -> to; self-loops are ignored. Errors: SM_ENOMEM, SM_EINVAL. */
int sm_taxonomy_add_relation(sm_taxonomy *tx, uint32_t from, uint32_t to, sm_relation rel);
/* Sets DigComp proficiency level 1..8. Errors: SM_EINVAL, SM_ENOMEM. */
int sm_taxonomy_set_level(sm_taxonomy *tx, int level, sm_str name, sm_str name_fr,
                          sm_str description);
int sm_taxonomy_add_statement(sm_taxonomy *tx, uint32_t competence, sm_str band, sm_str text);

/*
 * Sorts and deduplicates labels and edges, builds the adjacency lists and
 * the similarity model. Errors: SM_ENOMEM (the taxonomy stays usable as
 * before the call). Defined in similarity.c, which builds the model on the
 * indexes sm__taxonomy_index makes here.
 */
int sm_taxonomy_finalize(sm_taxonomy *tx);

/* For similarity.c only: the indexes of finalize without the model (SM_OK or SM_ENOMEM, the
 * taxonomy then as before); undoing them; attaching the model, which the taxonomy then owns
 * and frees with free_fn (any model attached before is freed). */
int sm__taxonomy_index(sm_taxonomy *tx);
void sm__taxonomy_unindex(sm_taxonomy *tx);
void sm__taxonomy_attach_similarity(sm_taxonomy *tx, sm_similarity *sim,
                                    void (*free_fn)(sm_similarity *),
                                    size_t (*memory_fn)(const sm_similarity *));

/* Read access (valid ids only; after finalize for labels and adjacency). */
size_t sm_taxonomy_count(const sm_taxonomy *tx);
size_t sm_taxonomy_count_type(const sm_taxonomy *tx, sm_concept_type type);
const char *sm_taxonomy_uri(const sm_taxonomy *tx, uint32_t id);
sm_concept_type sm_taxonomy_type(const sm_taxonomy *tx, uint32_t id);
sm_reuse sm_taxonomy_reuse(const sm_taxonomy *tx, uint32_t id);
unsigned sm_taxonomy_collections(const sm_taxonomy *tx, uint32_t id);
const char *sm_taxonomy_code(const sm_taxonomy *tx, uint32_t id);
/* The preferred label in lang, "" when there is none. */
const char *sm_taxonomy_label(const sm_taxonomy *tx, uint32_t id, sm_lang lang);
/* The preferred label in lang, else in the other language, else the URI. */
const char *sm_taxonomy_label_any(const sm_taxonomy *tx, uint32_t id, sm_lang lang);
const char *sm_taxonomy_description(const sm_taxonomy *tx, uint32_t id, sm_lang lang);
/* All labels of all concepts, grouped by concept (after finalize). */
size_t sm_taxonomy_label_total(const sm_taxonomy *tx);
sm_label sm_taxonomy_label_at(const sm_taxonomy *tx, size_t index);
/* The index range [*first, *first + count) of id's labels in that list. */
size_t sm_taxonomy_labels_of(const sm_taxonomy *tx, uint32_t id, size_t *first);
/* id's neighbours in one adjacency list; *edges is valid until the next finalize. */
size_t sm_taxonomy_adjacent(const sm_taxonomy *tx, uint32_t id, sm_adjacency adj,
                            const sm_edge **edges);
size_t sm_taxonomy_edge_count(const sm_taxonomy *tx, sm_relation rel);
/* Every stored edge as it was added (sorted and deduplicated by finalize), for exporters. */
size_t sm_taxonomy_relation_total(const sm_taxonomy *tx);
void sm_taxonomy_relation_at(const sm_taxonomy *tx, size_t index, uint32_t *from, uint32_t *to,
                             sm_relation *rel);
/* DigComp level 1..8, or NULL when not loaded. */
const sm_level *sm_taxonomy_level(const sm_taxonomy *tx, int level);
size_t sm_taxonomy_statement_count(const sm_taxonomy *tx);
sm_statement sm_taxonomy_statement_at(const sm_taxonomy *tx, size_t index);
/* The similarity model built by finalize. */
const sm_similarity *sm_taxonomy_similarity(const sm_taxonomy *tx);
/* Approximate bytes held. */
size_t sm_taxonomy_memory(const sm_taxonomy *tx);

/* Whether a concept is something a person can have (skill, knowledge, DigComp competence). */
int sm_concept_is_skill(sm_concept_type type);
const char *sm_concept_type_name(sm_concept_type type);
const char *sm_lang_code(sm_lang lang);

#endif
