/*
 * plan_internal.h: what plan.c defines for near.c and nothing else includes: when a training
 * reaches a level, when a person's claims do, the first session from a day, a string copy.
 */
#ifndef SM_PLAN_INTERNAL_H
#define SM_PLAN_INTERNAL_H

#include "matcher/plan.h"

int32_t sm__session_from(const int32_t *dates, size_t n, int32_t day);
int sm__reaches(uint8_t taught, uint8_t asked);
int sm__claims_reach(const sm_matcher *m, const sm_profile *p, uint32_t skill, uint8_t level);
char *sm__dup_text(const char *s);

#endif
