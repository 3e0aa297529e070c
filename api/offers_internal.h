/*
 * offers_internal.h: what the offer files share (offer_body.c, jobposting.c, routes_offers.c)
 * and nothing else includes: the parsed offer and the functions one defines for another.
 */
#ifndef SM_OFFERS_INTERNAL_H
#define SM_OFFERS_INTERNAL_H

#include "api/jobs.h"
#include "api/messages.h"
#include "api/records.h"
#include "api/resource.h"
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
    sm_resource_in r; /* id, doc, If-Match, version: first, for the write pipeline */
    sm_offer_kind kind;
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
} offer_in;

/* ---- what each offer file defines for the others ---- */

/* offer_body.c */
/* A whole body (plain or a schema.org JobPosting) into in, as the write pipeline's read. */
void sm__read_offer_body(sm_gen *g, json_t *body, sm_resource_in *in, sm_field_errors *fe);
/* A plain offer into in (in->r.doc set), recording field errors. */
void sm__read_offer(sm_gen *g, json_t *body, offer_in *in, sm_field_errors *fe);

/* jobposting.c */
json_t *sm__from_job_posting(sm_gen *g, json_t *jp, sm_lang lang, sm_field_errors *fe);
int sm__is_job_posting(json_t *body);

/* francetravail.c: France Travail's offer shape (detected by romeCode or lieuTravail) as our
 * body; *kept what has no field of ours (stored under "france_travail"). */
json_t *sm__from_france_travail(sm_gen *g, json_t *ft, sm_lang lang, json_t **kept,
                                sm_field_errors *fe);
int sm__is_france_travail(json_t *body);

#endif
