/*
 * records.h: how offers and profiles are kept, shared by the routes that
 * write them and the loader that rebuilds the index: the packed skill
 * references of the database, and the codes of the ESS vocabularies
 * (organisation kinds, contract types, evidence).
 */
#ifndef SM_RECORDS_H
#define SM_RECORDS_H

#include "matcher/matcher.h"

#include <stdint.h>

/* offers.skills / offers.teaches: cid << 5 | essential << 4 | level. */
static inline int32_t sm_pack_requirement(uint32_t cid, int essential, int level)
{
    return (int32_t)(cid << 5 | (uint32_t)(essential != 0) << 4 | (uint32_t)level);
}
static inline void sm_unpack_requirement(int32_t v, uint32_t *cid, int *essential, int *level)
{
    *cid = (uint32_t)v >> 5;
    *essential = (v >> 4) & 1;
    *level = v & 15;
}
/* profiles.skills: cid << 7 | evidence << 4 | level (migration 013; 6 and 2 bits before). */
static inline int32_t sm_pack_claim(uint32_t cid, int evidence, int level)
{
    return (int32_t)(cid << 7 | (uint32_t)evidence << 4 | (uint32_t)level);
}
static inline uint32_t sm_claim_cid(int32_t v)
{
    return (uint32_t)v >> 7;
}
static inline void sm_unpack_claim(int32_t v, uint32_t *cid, int *evidence, int *level)
{
    *cid = (uint32_t)v >> 7;
    *evidence = (v >> 4) & 7;
    *level = v & 15;
}

/* Names of codes 1..count-1 (0 is "not stated"); the code of a name, 0 when unknown. */
extern const char *const sm_org_kinds[];
extern const int sm_org_kind_count;
extern const char *const sm_contract_types[];
extern const int sm_contract_type_count;
extern const char *const sm_evidence_names[];
/* Funding schemes: bit i stands for sm_funding_names[i] (sql/002 knows the same order). */
extern const char *const sm_funding_names[];
/*
 * The bit of a known scheme, 0 for another name. A scheme is recognised however it is written:
 * case, accents, spaces, hyphens and dots aside ("cpf", "C.P.F."), and by its other names
 * ("Pôle emploi" is France Travail, "Région" region, "employeur" employer, "autofinancement"
 * self, "compte personnel de formation" CPF).
 */
uint32_t sm_funding_bit(const char *name);
/* The code of a name of names (an alias of a contract type: its code), 0 when unknown. */
int sm_code_of(const char *const *names, int count, const char *name);
/* names[1..count) as "a, b, c" into out (for the message that lists them). */
void sm_names_list(const char *const *names, int count, char *out, size_t cap);
/* The French and English labels of a code (sm_org_kind_labels, sm_contract_type_labels: one
 * per name, in the same order). */
typedef struct sm_term_label {
    const char *fr, *en;
} sm_term_label;
extern const sm_term_label sm_org_kind_labels[], sm_contract_type_labels[];

#endif
