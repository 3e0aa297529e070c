/* openapi.c: the OpenAPI document, embedded from api/openapi.json at build time. */
#include "api/service.h"

extern const unsigned char *const sm__openapi_data[];

const char *sm_openapi_json(void)
{
    return (const char *)sm__openapi_data[0];
}
