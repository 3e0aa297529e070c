#!/usr/bin/env node
// validate-log.js SPEC LOG.jsonl
// make test's contract check (tests/run.sh): every exchange the end-to-end suites recorded
// (tests/e2e/http.h, SM_CONTRACT_LOG) is checked against api/openapi.json with Prism's own
// validator (@stoplight/prism-http), without any network: Prism's "forward" step is replaced
// by a replay of the recorded answer. A request the server refused (4xx) may break the
// document's request rules on purpose (a negative test); any other may not; every answer must
// agree with the document (status, media type, body, headers). An exchange with a path and
// method that are no operation must have been answered 404 or 405.
//
// LOG.jsonl: one exchange per line:
//   {"method":"POST","path":"/v1/offers?lang=en",
//    "request_headers":{"Content-Type":"application/json",...} | [[name,value],...],
//    "request_body":"<raw text>" | null,
//    "status":201,
//    "response_headers":[["Content-Type","application/json"],...] | {...},
//    "response_body":"<raw text>",
//    "expect_request_violation": true   // optional: a negative test that sends a bad request on purpose
//   }
// Prints one JSON line per violation ({"i","name","method","path","status","side","severity","code","location","message"}),
// then a summary line; exit 0 when clean, 1 when any response violation (any severity) or an
// unexpected request violation was found, 2 on usage/parse errors.
'use strict';
const fs = require('fs');
const { createInstance, getHttpOperationsFromSpec } = require('@stoplight/prism-http');
const pino = require('pino');
const TE = require('fp-ts/TaskEither');
const typeIs = require('type-is');
// Prism's router (not part of the package's index, but stable since v4) to get the operation for exact media-type checks.
const route = require('@stoplight/prism-http/dist/router').default;
const essence = ct => (ct || '').split(';')[0].trim().toLowerCase();

const [, , specPath, logPath] = process.argv;
if (!specPath || !logPath) {
  console.error('usage: validate-log.js SPEC LOG.jsonl');
  process.exit(2);
}

const lowerHeaders = h => {
  const out = {};
  for (const [k, v] of Array.isArray(h) ? h : Object.entries(h || {})) {
    const key = k.toLowerCase();
    out[key] = key in out ? `${out[key]},${v}` : String(v);
  }
  return out;
};
const isJson = ct => !!ct && typeIs.is(ct, ['application/json', 'application/*+json']);
const parseBody = (text, ct) => {
  if (text === null || text === undefined || text === '') return undefined;
  if (isJson(ct)) {
    try { return JSON.parse(text); } catch (e) { return text; }
  }
  return text;
};

(async () => {
  const operations = await getHttpOperationsFromSpec(specPath);
  const logger = pino({ level: 'silent' });
  let current; // the recorded answer handed back by the replaced forward step
  const prism = createInstance(
    { isProxy: true, upstream: new URL('http://recorded.invalid'), validateRequest: true, validateResponse: true,
      checkSecurity: true, errors: false, mock: { dynamic: false } },
    { logger, forward: () => () => TE.right(current) },
  );
  const lines = fs.readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
  let bad = 0, expectedReq = 0, n = 0, looser = 0, unrouted = 0, pages = 0;
  for (const [i, line] of lines.entries()) {
    let x;
    try { x = JSON.parse(line); } catch (e) { console.error(`line ${i + 1}: not JSON`); process.exit(2); }
    n++;
    const reqH = lowerHeaders(x.request_headers);
    // RFC 9110 11.1: the scheme is case-insensitive ("bearer" is Bearer); Prism compares it
    // case-sensitively, so it is written as the document does before the check.
    if (reqH.authorization && /^bearer /i.test(reqH.authorization))
      reqH.authorization = 'Bearer ' + reqH.authorization.slice(7);
    const resH = lowerHeaders(x.response_headers);
    // HEAD is GET without the body (RFC 9110): the document describes GET.
    const method = x.method === 'HEAD' ? 'GET' : x.method;
    const u = new URL(x.path, 'http://recorded.invalid');
    const query = {};
    for (const k of new Set(u.searchParams.keys())) {
      const all = u.searchParams.getAll(k);
      query[k] = all.length === 1 ? all[0] : all;
    }
    const input = {
      method: method.toLowerCase(),
      url: { path: u.pathname, query },
      headers: reqH,
      body: parseBody(x.request_body, reqH['content-type']),
    };
    current = { statusCode: x.status, headers: resH, body: x.status === 204 || x.method === 'HEAD' ? undefined : parseBody(x.response_body, resH['content-type']) };
    // Prism picks the first request/response content whose media type matches ignoring the +suffix, so an
    // application/ld+json body is checked against the application/json schema. Hand Prism a copy of the
    // operation that keeps only the exactly matching content, when there is one.
    let resources = operations;
    // The web pages (api/web/) are not the JSON API the document describes.
    if (['/', '/organisation', '/formation', '/sources'].includes(u.pathname) || u.pathname.startsWith('/static/')) { pages++; continue; }
    const routed = route({ resources: operations, input });
    if (routed._tag === 'Left') {
      // No operation: the document's description says such requests answer 404 or 405.
      if (x.status === 404 || x.status === 405) { unrouted++; continue; }
      bad++;
      console.log(JSON.stringify({ i: i + 1, method: x.method, path: x.path, status: x.status, side: 'route', message: 'no operation, and not answered 404 or 405' }));
      continue;
    }
    if (routed._tag === 'Right') {
      const op = routed.right;
      const reqCt = essence(reqH['content-type']);
      const body = op.request && op.request.body;
      const exact = body && (body.contents || []).filter(c => essence(c.mediaType) === reqCt);
      if (exact && exact.length) {
        const copy = Object.assign(Object.create(Object.getPrototypeOf(op)), op);
        Object.defineProperty(copy, '__bundled__', { value: op['__bundled__'], enumerable: false });
        copy.request = { ...op.request, body: { ...body, contents: exact } };
        resources = [copy];
      }
    }
    let result;
    try {
      result = await prism.request(input, resources)();
    } catch (e) { // a request Prism cannot even read (two Content-Types, say)
      result = { _tag: 'Left', left: { message: String(e.message || e) } };
    }
    let vs;
    if (result._tag === 'Left') {
      vs = [{ side: 'request', severity: 'Error', message: `prism: ${result.left.message || result.left}` }];
    } else {
      const sev = s => ['Error', 'Warning', 'Information', 'Hint'][s] || String(s);
      vs = [
        ...result.right.validations.input.map(v => ({ side: 'request', severity: sev(v.severity), code: v.code, location: v.path, message: v.message })),
        ...result.right.validations.output.map(v => ({ side: 'response', severity: sev(v.severity), code: v.code, location: v.path, message: v.message })),
      ];
    }
    // Prism matches media types ignoring the +suffix (application/problem+json == application/json == application/ld+json):
    // compare the essence exactly against the document, both ways.
    const r = route({ resources: operations, input });
    if (r._tag === 'Right') {
      const op = r.right;
      const reqCt = essence(reqH['content-type']);
      const reqTypes = ((op.request && op.request.body && op.request.body.contents) || []).map(c => essence(c.mediaType));
      if (input.body !== undefined && reqCt && reqTypes.length && !reqTypes.includes(reqCt))
        vs.push({ side: 'request', severity: 'Error', code: 'media-type', message: `request Content-Type ${reqCt} is not one of ${reqTypes.join(', ')}` });
      const resp = (op.responses || []).find(rsp => rsp.code === String(current.statusCode))
        || (op.responses || []).find(rsp => rsp.code.toUpperCase() === `${String(current.statusCode)[0]}XX`)
        || (op.responses || []).find(rsp => rsp.code === 'default');
      const resTypes = ((resp && resp.contents) || []).map(c => essence(c.mediaType));
      const resCt = essence(resH['content-type']);
      if (resp && resTypes.length && resCt && !resTypes.includes(resCt))
        vs.push({ side: 'response', severity: 'Error', code: 'media-type', message: `response Content-Type ${resCt} is not one of ${resTypes.join(', ')}` });
      if (resp && !resTypes.length && x.response_body)
        vs.push({ side: 'response', severity: 'Warning', code: 'undocumented-body', message: `response has a body (${resCt || 'no Content-Type'}) but the document declares no content for ${resp.code}` });
    }
    if (x.method === 'HEAD') // no body is sent: nothing to check it against
      vs = vs.filter(v => !(v.side === 'response' && (v.location || [])[0] === 'body'));
    for (const v of vs) {
      const fatal = v.side === 'response' || !x.expect_request_violation;
      if (fatal) bad++; else expectedReq++;
      console.log(JSON.stringify({ i: i + 1, name: x.name, method: x.method, path: x.path, status: x.status, ...v, expected: !fatal }));
    }
    if (x.expect_request_violation && !vs.some(v => v.side === 'request'))
      looser++; // a refusal the document does not predict (a value out of the server's rules)
  }
  console.log(`contract: ${n} exchanges, ${bad} violations, ${expectedReq} expected request violations, ` +
    `${looser} refused requests the document accepts, ${unrouted} to no operation (404/405), ${pages} to the web pages`);
  process.exit(bad ? 1 : 0);
})().catch(e => { console.error(e); process.exit(2); });
