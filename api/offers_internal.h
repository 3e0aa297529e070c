/*
 * offers_internal.h: what the offer files share (offer_body.c, jobposting.c, routes_offers.c)
 * and nothing else includes: the parsed offer and the functions one defines for another.
 */
#ifndef SM_OFFERS_INTERNAL_H
#define SM_OFFERS_INTERNAL_H

#include "api/messages.h"
#include "api/records.h"
#include "api/routes.h"
#include "sql/offers.h"
#include "taxonomy/base/alloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TITLE 300
#define MAX_DESCRIPTION 20000

typedef struct offer_in {
    char id[37];
    sm_offer_kind kind;
    json_t *doc; /* normalised, owned */
    int32_t skills[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    int nskills, nteaches;
    char title[MAX_TITLE + 1];
    int located, remote;
    double lat, lon;
    float hours, duration_hours, cost;
    int32_t valid_from, valid_through;
    uint32_t occupation_cid, seats;
    unsigned flags;
    uint8_t org_kind, contract_type;
    uint32_t funding; /* the known schemes among "funding" */
    int32_t start_dates[SM_MAX_START_DATES];
    int nstart;
    char owner[208];
    int admin; /* the writer may change any organisation's offer */
    /* If-Match: the versions a replace or delete may apply to (any: "*"; none given: any) */
    long long if_versions[8];
    size_t if_count;
    int if_given, if_any;
    long long version;    /* the row's version once written */
    int retry_on_stale;   /* PATCH without If-Match: a concurrent change is merged with again */
    sm_lang request_lang; /* of the text to extract skills from, when the body says none */
} offer_in;

/* ---- what each offer file defines for the others ---- */

/* offer_body.c */
int sm__parse_offer(sm_gen *g, const sm_request *rq, sm_response *resp, offer_in *in);
void sm__read_offer(sm_gen *g, json_t *body, offer_in *in, sm_field_errors *fe);

/* jobposting.c */
json_t *sm__from_job_posting(sm_gen *g, json_t *jp, sm_lang lang, sm_field_errors *fe);
int sm__is_job_posting(json_t *body);

#endif
