/**
 * The CDS Hooks specification's own examples (test/fixtures/cds-hooks, source in SOURCE.md)
 * run through the service: its discovery document and cards against our schemas, its
 * requests and feedback posted to a service, authenticated with its JWT and its key pair.
 */
import { readFileSync } from 'node:fs'
import { importJWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createDevFhirServer } from '../../devtools/fhir-server/index.ts'
import {
  CardSchema,
  CdsResponseSchema,
  DiscoverySchema,
  FEEDBACK_ACTION,
  FeedbackRequest,
  HookRequest,
  isAllowedToken,
  tokensOf,
} from '../../plugins/cds-hooks/index.ts'
import { cdsBench, type CdsBench, type Outbound } from '../../testkit/cds-hooks.ts'
import type { TestKey } from '../../testkit/tokens.ts'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/cds-hooks/${name}.json`, import.meta.url), 'utf8'))
const jwt = fixture('jwt')
const SERVICE = '/cds-services/some-service' // the service the example JWT's aud names, on https://cds.example.org
const ISS = jwt.payload.iss as string
/** Between the example JWT's iat (2011) and exp (2015). */
const IN_THE_TOKENS_LIFETIME = 1_400_000_000_000
const example = fixture('request-patient-view')

let spec: CdsBench
let specKey: TestKey
const outbound: Outbound[] = []

/** A Nexora at the example's base URL trusting the example's EHR, whose FHIR server holds the example's patient. */
async function exampleBench(now: number) {
  const ehr = createDevFhirServer({ resources: [example.prefetch.patientToGreet], staticTokens: [example.fhirAuthorization.access_token] })
  const fetchStub: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    outbound.push({ url: request.url, authorization: request.headers.get('authorization') })
    if (request.url === jwt.header.jku) return Response.json(jwt.jwks)
    if (new URL(request.url).origin === new URL(example.fhirServer).origin) return ehr.app.fetch(request)
    return new Response('not routed in this test', { status: 599 })
  }
  const bench = await cdsBench({
    now,
    cds: { baseUrl: 'https://cds.example.org', clients: [{ iss: ISS, jku: [jwt.header.jku] }], fetch: fetchStub, allowHttpFhirServer: true },
  })
  // The demo model, offered as the example's "some-service", reporting every assessment.
  await bench.variant('some-service', { reportAt: 0 })
  return bench
}

beforeAll(async () => {
  spec = await exampleBench(IN_THE_TOKENS_LIFETIME)
  specKey = { kid: jwt.header.kid, alg: 'ES384', jwk: jwt.jwks.keys[0], privateKey: (await importJWK(jwt.privateJwk, 'ES384')) as CryptoKey }
})

/** A fresh token from the example's EHR, signed with the example's private key. */
const specToken = (path: string) => spec.token(path, { iss: ISS, tenant: jwt.payload.tenant }, { jku: jwt.header.jku }, specKey)

describe("the specification's examples", () => {
  it('its discovery document matches the discovery schema, with allowed prefetch tokens only', () => {
    const { services } = DiscoverySchema.parse(fixture('discovery'))
    expect(services.map((s) => s.id)).toEqual(['static-patient-greeter', 'order-echo', 'pgx-on-order-sign'])
    for (const template of services.flatMap((s) => Object.values(s.prefetch ?? {})))
      for (const token of tokensOf(template)) expect(isAllowedToken(token)).toBe(true)
  })

  it(
    'its JWT, verified with the key set at its jku, authenticates its patient-view request, which the service answers with a valid card from data it ' +
      "fetched with the request's token",
    async () => {
      expect(HookRequest.safeParse(example).success).toBe(true)
      const res = await spec.call(SERVICE, example, jwt.token)
      const body = await res.json()
      expect(res.status, JSON.stringify(body)).toBe(200)
      expect(CdsResponseSchema.parse(body)).toEqual(body)
      expect(body.cards).toHaveLength(1)
      expect(CardSchema.parse(body.cards[0])).toEqual(body.cards[0])
      // `patientToGreet` is not one of this service's keys: it read the Patient (and the rest) itself, with the example's bearer token.
      const reads = outbound.filter((o) => o.url.startsWith(example.fhirServer))
      expect(reads.map((o) => new URL(o.url).pathname)).toContain('/Patient/1288992')
      expect(reads.every((o) => o.authorization === 'Bearer some-opaque-fhir-access-token')).toBe(true)
      expect(
        spec
          .events()
          .filter((e) => e.requestId === res.headers.get('x-request-id'))
          .map((e) => [e.actor, e.patientRef]),
      ).toEqual([
        [ISS, 'Patient/1288992'],
        [ISS, 'Patient/1288992'],
      ])
      // Born 1925-12-23, scored in 2014: the card's factors show the age.
      expect(body.cards[0].detail).toContain('| Age in years at the index time | 88.38 |')
    },
  )

  it('its JWT is refused a second time (its jti is spent), and once past its exp', async () => {
    const again = await spec.call(SERVICE, example, jwt.token)
    expect([again.status, (await again.json()).issue[0].diagnostics]).toEqual([401, 'Authentication is required: token.replayed'])
    const later = await exampleBench(Date.parse('2026-06-30T00:00:00Z'))
    const expired = await later.call(SERVICE, example, jwt.token)
    expect([expired.status, (await expired.json()).issue[0].diagnostics]).toEqual([401, 'Authentication is required: token.expired'])
  })

  it('its paginated order-sign request, which carries no fhirAuthorization, gets the 412 its OperationOutcome example shows', async () => {
    const paginated = fixture('request-order-sign-paginated')
    expect(HookRequest.safeParse(paginated).success).toBe(true)
    const res = await spec.call(SERVICE, paginated, await specToken(SERVICE))
    expect(res.status).toBe(412)
    const ours = await res.json()
    const theirs = fixture('operation-outcome-412')
    expect(ours.resourceType).toBe(theirs.resourceType)
    expect({ severity: ours.issue[0].severity, code: ours.issue[0].code }).toEqual({ severity: theirs.issue[0].severity, code: theirs.issue[0].code })
    expect(ours.issue[0].diagnostics).toContain('conditions (no fhirServer with fhirAuthorization)')
    expect(outbound.some((o) => o.url.startsWith('https://ehr.example.org'))).toBe(false)
  })

  it("its example response's cards match the card schema, except the autolaunchable card, which lacks the REQUIRED indicator", () => {
    for (const card of fixture('response-cards').cards) expect(CardSchema.parse(card)).toEqual(card)
    const [autolaunch] = fixture('response-autolaunchable').cards
    const result = CardSchema.safeParse(autolaunch)
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['indicator'])
    expect(CardSchema.parse({ ...autolaunch, indicator: 'info' })).toMatchObject({ links: [{ autolaunchable: true }] })
  })

  it("its three feedback examples are stored in the audit trail, the override reason as a coding, the clinician's comment left out", async () => {
    for (const name of ['feedback-accepted', 'feedback-overridden', 'feedback-overridden-reason']) {
      const feedback = fixture(name)
      expect(FeedbackRequest.safeParse(feedback).success).toBe(true)
      const res = await spec.call(`${SERVICE}/feedback`, feedback, await specToken(`${SERVICE}/feedback`))
      // The example cards were never issued here, so no model version is known for them.
      expect([res.status, await res.json()]).toEqual([200, { recorded: 1, unknownCards: 1 }])
    }
    const stored = spec.events().filter((e) => e.action === FEEDBACK_ACTION)
    expect(stored.map((e) => [e.actor, e.context.card, e.context.outcome, e.context.accepted, e.context.reason])).toEqual([
      [ISS, '4e0a3a1e-3283-4575-ab82-028d55fe2719', 'accepted', ['other'], null],
      [ISS, 'f6b95768-b1c8-40dc-8385-bf3504b82ffb', 'overridden', [], null],
      [
        ISS,
        '9368d37b-283f-44a0-93ea-547cebab93ed',
        'overridden',
        [], // The example card was not ours, so its reason was not offered here; it is a coding, so it is kept.
        { system: 'https://example.com/cds-hooks/override-reason-system', code: 'd7ecf885', offered: false },
      ],
    ])
    expect(stored[2]!.context.comment).toBe(true)
    expect(JSON.stringify(spec.events())).not.toContain('A comment entered by the clinician.')
  })
})
