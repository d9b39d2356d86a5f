/**
 * Issue 14: a trusted CDS Client could name any https `fhirServer`, including this server's own
 * loopback and the cloud metadata address, and the service would send it a token-bearing
 * request (SSRF). Such addresses are now refused (`cds.fhir_server_refused`, 400) unless the
 * client's `fhirServers` allowlist names them.
 */
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDevFhirServer } from '../../devtools/fhir-server/index.ts'
import { refusedHost } from '../../plugins/cds-hooks/address.ts'
import { cdsBench, EHR, FHIR_TOKEN, JKU, MODEL, type CdsBench } from '../../testkit/cds-hooks.ts'

const SERVICE = `/cds-services/${MODEL}`
const host = (url: string) => new URL(url).hostname

describe('refusedHost: every spelling WHATWG URL normalises', () => {
  it.each([
    ['https://169.254.169.254/', 'link-local'],
    ['https://169.254.169.254./latest', 'link-local'],
    ['https://2852039166', 'link-local'],
    ['https://0xa9fea9fe', 'link-local'],
    ['https://0251.0376.0251.0376', 'link-local'],
    ['https://127.0.0.1', 'loopback'],
    ['https://127.1', 'loopback'],
    ['https://2130706433', 'loopback'],
    ['https://0x7f000001', 'loopback'],
    ['https://0x7f.1', 'loopback'],
    ['https://0177.0.0.1', 'loopback'],
    ['https://017700000001', 'loopback'],
    ['https://127.255.255.254:8443', 'loopback'],
    ['https://0.0.0.0', 'this-network'],
    ['https://0', 'this-network'],
    ['https://10.1.2.3', 'private'],
    ['https://172.16.0.1', 'private'],
    ['https://172.31.255.255', 'private'],
    ['https://192.168.1.1', 'private'],
    ['https://100.64.0.1', 'shared address space'],
    ['https://100.127.255.255', 'shared address space'],
    ['https://[::1]', 'loopback'],
    ['https://[0:0:0:0:0:0:0:1]', 'loopback'],
    ['https://[::]', 'unspecified'],
    ['https://[::ffff:127.0.0.1]', 'IPv4-mapped loopback'],
    ['https://[::ffff:169.254.169.254]', 'IPv4-mapped link-local'],
    ['https://[0:0:0:0:0:ffff:a00:1]', 'IPv4-mapped private'],
    ['https://[::127.0.0.1]', 'IPv4-compatible loopback'],
    ['https://[64:ff9b::a9fe:a9fe]', 'NAT64 link-local'],
    ['https://[2002:7f00:1::]', '6to4 loopback'],
    ['https://[fe80::1]', 'link-local'],
    ['https://[fc00::1]', 'unique-local'],
    ['https://[fd12:3456:789a::1]', 'unique-local'],
    ['https://[ff02::1]', 'multicast'],
    ['https://localhost', 'localhost'],
    ['https://LOCALHOST./fhir', 'localhost'],
    ['https://api.localhost', 'localhost'],
  ])('%s is refused (%s)', (url, reason) => {
    expect(refusedHost(host(url))).toContain(reason)
  })

  it.each([
    'https://ehr.example/fhir',
    'https://8.8.8.8',
    'https://172.32.0.1',
    'https://100.128.0.1',
    'https://192.169.0.1',
    'https://[2606:4700:4700::1111]',
    'https://[::ffff:8.8.8.8]',
    'https://[2002:808:808::]',
    'https://localhost.example.com',
    'https://fhir.ehr.test',
  ])('%s may be used', (url) => {
    expect(refusedHost(host(url))).toBeUndefined()
  })
})

describe('POST /cds-services/{id} with a fhirServer on a refused address', () => {
  let b: CdsBench
  let prefetched: Record<string, unknown>
  beforeAll(async () => {
    b = await cdsBench()
    prefetched = await b.prefetch('pt-0004')
  })

  it.each([
    'https://169.254.169.254/fhir',
    'https://2852039166/fhir',
    'https://[::ffff:a9fe:a9fe]/fhir',
    'https://127.0.0.1:8443/fhir',
    'https://localhost/fhir',
    'https://10.0.0.5/fhir',
    'https://[fd00::5]/fhir',
  ])('refuses %s with a 400 OperationOutcome, sends it nothing, and audits the refusal', async (fhirServer) => {
    const before = b.outbound.length
    const res = await b.call(SERVICE, b.hookRequest('pt-0004', await b.prefetch('pt-0004', ['patient']), { ...b.withFhir, fhirServer }))
    expect(res.status).toBe(400)
    const outcome = await res.json()
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'invalid', details: { coding: [{ code: 'cds.fhir_server_refused' }] } }],
    })
    // The rule, never the URL the client sent.
    expect(outcome.issue[0].diagnostics).not.toContain(fhirServer)
    if (new URL(fhirServer).host !== 'localhost') expect(outcome.issue[0].diagnostics).not.toContain(new URL(fhirServer).host)
    expect(b.outbound.slice(before).filter((o) => !o.url.startsWith(JKU))).toEqual([])
    const requestId = res.headers.get('x-request-id')!
    expect(
      b
        .events()
        .filter((e) => e.requestId === requestId)
        .map((e) => [e.action, e.outcome, e.reason ?? null]),
    ).toEqual([
      ['predict.request', 'success', null],
      ['predict.response', 'failure', 'cds.fhir_server_refused'],
    ])
  })

  it('refuses it even when the prefetch is complete and nothing would be fetched', async () => {
    const res = await b.call(SERVICE, b.hookRequest('pt-0004', prefetched, { ...b.withFhir, fhirServer: 'https://169.254.169.254' }))
    expect(res.status).toBe(400)
  })

  it('refuses a fhirServer with credentials or a query, which is no base URL', async () => {
    for (const fhirServer of ['https://user:pw@fhir.ehr.test', 'https://fhir.ehr.test/?x=1']) {
      const res = await b.call(SERVICE, b.hookRequest('pt-0004', prefetched, { ...b.withFhir, fhirServer }))
      expect([res.status, (await res.json()).issue[0].details.coding[0].code]).toEqual([400, 'cds.fhir_server_refused'])
    }
  })

  it('still reads a public https fhirServer without an allowlist', async () => {
    const res = await b.call(SERVICE, b.hookRequest('pt-0004', await b.prefetch('pt-0004', ['patient']), b.withFhir))
    expect(res.status).toBe(200)
  })
})

describe("the client's fhirServers allowlist", () => {
  let dev: { url: string; server: ServerType }
  let b: CdsBench
  beforeAll(async () => {
    // A FHIR server on loopback over real HTTP, as an EHR on the same host would run it.
    const ehr = createDevFhirServer({ cohort: { patients: 40, seed: 99 }, staticTokens: [FHIR_TOKEN] })
    dev = await new Promise((resolve) => {
      const server = serve({ fetch: ehr.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }))
    })
    b = await cdsBench({
      cds: (key) => ({
        allowHttpFhirServer: true,
        clients: [{ iss: EHR, jku: [JKU], fhirServers: [dev.url, 'https://fhir.ehr.test'] }],
        fetch: async (input, init) => (new Request(input, init).url === JKU ? Response.json({ keys: [key.jwk] }) : fetch(input, init)),
      }),
    })
  })
  afterAll(() => {
    dev?.server.close()
  })

  it('admits a loopback fhirServer the allowlist names, and reads the missing data from it', async () => {
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', await b.prefetch('pt-0018', ['patient']), { ...b.withFhir, fhirServer: dev.url }))
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.cards).toHaveLength(1)
    const event = b.events().find((e) => e.requestId === res.headers.get('x-request-id') && e.action === 'predict.response')
    expect(event?.context).toMatchObject({ fetched: expect.arrayContaining(['conditions', 'observations']) })
  })

  it('refuses any other fhirServer with a 400, public or not', async () => {
    for (const fhirServer of ['https://elsewhere.example/fhir', 'http://127.0.0.1:1/fhir', dev.url.replace('127.0.0.1', '127.0.0.2')]) {
      const res = await b.call(SERVICE, b.hookRequest('pt-0018', await b.prefetch('pt-0018', ['patient']), { ...b.withFhir, fhirServer }))
      expect([fhirServer, res.status, (await res.json()).issue[0].details.coding[0].code]).toEqual([fhirServer, 400, 'cds.fhir_server_refused'])
    }
  })
})
