/*
 * similarity.h: how close two skills are, in [0, 1], and why.
 *
 * The model (documented and measured in taxonomy/README.md) combines five
 * kinds of evidence, each giving a score s_k in [0, 1):
 *   label       near-identical names: a label of one (folded: case, accents and
 *               punctuation aside) equals a label of the other, or equals it but
 *               for one last word ("utiliser une caisse" and "utiliser une caisse
 *               enregistreuse"), the shorter keeping at least two words;
 *   hierarchy   one skill is directly broader/narrower than the other, or
 *               both sit under the same broader concept (a small, specific
 *               group counts more than a large one);
 *   related     ESCO's skill-to-skill relations (essential > optional);
 *   cooccur     cosine of the two skills' occupation vectors (essential
 *               weight 1, optional 0.5), counted over enough occupations;
 *   digcomp     both linked to the same DigComp competence, or one is it;
 * and combines them as a noisy-or, 1 - prod(1 - s_k), capped below 1 so
 * only a skill is fully similar to itself. sm_similarity_pair computes it
 * for any pair; each skill's top-N neighbours are precomputed at build.
 * A built model is read-only and safe to share between threads.
 */
#ifndef SM_SIMILARITY_H
#define SM_SIMILARITY_H

#include "taxonomy/taxonomy.h"

#include <stddef.h>
#include <stdint.h>

/* What made two skills close: the strongest piece of evidence. */
typedef enum sm_sim_via {
    SM_VIA_SAME = 0,
    SM_VIA_BROADER,  /* the neighbour is broader than the skill */
    SM_VIA_NARROWER, /* the neighbour is narrower */
    SM_VIA_SIBLING,  /* both under `through` */
    SM_VIA_RELATED,  /* an ESCO skill-skill relation */
    SM_VIA_COOCCUR,  /* asked together by occupations */
    SM_VIA_DIGCOMP,  /* same DigComp competence `through` */
    SM_VIA_LABEL,    /* near-identical names */
    SM_VIA_NONE
} sm_sim_via;

typedef struct sm_neighbour {
    uint32_t concept;
    uint32_t through; /* the shared group or competence, else SM_NO_CONCEPT */
    float sim;
    uint8_t via; /* an sm_sim_via */
} sm_neighbour;

typedef struct sm_sim_params {
    float parent;             /* direct broader/narrower between two skills */
    float sibling;            /* shared direct parent, before the group-size discount */
    float sibling_group_size; /* size at which a sibling's credit halves */
    float related_essential, related_optional;
    float cooccur;        /* weight of the cosine */
    unsigned cooccur_min; /* occupations in common needed to count */
    float digcomp;
    float label;    /* near-identical names (0: not counted) */
    float cap;      /* the highest similarity of two distinct skills */
    unsigned top_n; /* neighbours kept per skill */
    /* When not NULL, only occupations with occupation_mask[id] != 0 count
     * for co-occurrence (evaluation keeps held-out occupations out). */
    const uint8_t *occupation_mask;
} sm_sim_params;

/* Fills p with the defaults used by the service. */
void sm_sim_params_default(sm_sim_params *p);

/*
 * Builds the model over a finalized taxonomy (called by finalize; benches
 * call it with other parameters). The model keeps a pointer to tx, which
 * must outlive it. Returns 0 or SM_ENOMEM (*out NULL).
 */
int sm_similarity_build(const sm_taxonomy *tx, const sm_sim_params *params, sm_similarity **out);
void sm_similarity_free(sm_similarity *sim);

/* sim(a, b) in [0, 1]: 1 when a == b, 0 when either is not a skill. */
float sm_similarity_pair(const sm_similarity *sim, uint32_t a, uint32_t b, sm_neighbour *why);
/* a's precomputed neighbours, best first; *list valid while the model lives. */
size_t sm_similarity_neighbours(const sm_similarity *sim, uint32_t a, const sm_neighbour **list);
size_t sm_similarity_memory(const sm_similarity *sim);
const char *sm_sim_via_name(sm_sim_via via);

#endif
