/**
 * A CDS Hooks test bench: Nexora with the demo FHIR model and the CDS Hooks front door on a
 * fixed clock, a trusted EHR (an ES384 key served at its `jku`), and the synthetic FHIR server
 * reached in-process at an https origin. Every outbound request the service makes is recorded;
 * nothing leaves the test.
 */
import { readFileSync } from 'node:fs'
import { SignJWT } from 'jose'
import {
  createLogger,
  createNexora,
  definePlugin,
  manualClock,
  memoryStorage,
  type AuditEvent,
  type ModelManifest,
  type NexoraConfig,
  type Plugin,
} from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { createDevFhirServer, type DevFhirServerOptions } from '../devtools/fhir-server/index.ts'
import { ClinicalETL } from '../plugins/etl/index.ts'
import { cdsHooks, instantiate, prefetchTemplates, type CdsHooksOptions } from '../plugins/cds-hooks/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { makeKey, type TestKey } from './tokens.ts'

export const BASE = 'https://cds.nexora.test'
export const EHR = 'https://ehr.test'
export const JKU = 'https://ehr.test/.well-known/jwks.json'
export const FHIR = 'https://fhir.ehr.test'
export const FHIR_TOKEN = 'ehr-fhir-token'
export const NOW = Date.parse('2026-06-30T00:00:00Z')
export const MODEL = 'readmission-fhir'
const MODEL_DIR = new URL('../models/readmission-fhir/', import.meta.url)

export interface Outbound {
  url: string
  authorization: string | null
}

export interface BenchOptions {
  /** Plugin options over the defaults; a function gets the EHR's key (to configure a key set instead of a jku). */
  cds?: Partial<CdsHooksOptions> | ((key: TestKey) => Partial<CdsHooksOptions>)
  devFhir?: DevFhirServerOptions
  plugins?: Plugin[]
  /** Replace memory storage (and add e.g. monitoring). */
  storage?: Plugin[]
  /** Keys served at JKU, besides the EHR's own. */
  extraKeys?: TestKey[]
  /** The clock's start (ms). Default NOW. */
  now?: number
  /** Nexora config over the bench's (no rate limits, no resolve cache, 16 MB bodies). */
  config?: NexoraConfig
}

export async function cdsBench(options: BenchOptions = {}) {
  const key = await makeKey('ES384', 'ehr-key-1')
  const dev = createDevFhirServer({ cohort: { patients: 40, seed: 99 }, staticTokens: [FHIR_TOKEN], ...options.devFhir })
  const outbound: Outbound[] = []
  const jwks = { keys: [key.jwk, ...(options.extraKeys ?? []).map((k) => k.jwk)] }
  const fetchStub: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    outbound.push({ url: request.url, authorization: request.headers.get('authorization') })
    if (request.url === JKU) return Response.json(jwks)
    if (new URL(request.url).origin === FHIR) return dev.app.fetch(request)
    return new Response('not routed in this test', { status: 599 })
  }
  const cds = typeof options.cds === 'function' ? options.cds(key) : options.cds
  const baseUrl = cds?.baseUrl ?? BASE
  const clock = manualClock(options.now ?? NOW)
  const logs: string[] = []
  const nexora = await createNexora({
    plugins: [
      ...(options.storage ?? memoryStorage()),
      linearModel(),
      definePlugin({ name: 'test-clock', provides: 'clock', setup: () => clock }),
      definePlugin({ name: 'captured-logs', provides: 'logger', setup: () => createLogger({ write: (line) => logs.push(line) }) }),
      cdsHooks({ baseUrl: BASE, clients: [{ iss: EHR, jku: [JKU] }], fetch: fetchStub, ...cds }),
      ...(options.plugins ?? []),
    ],
    config: { rateLimits: false, resolveTtlMs: 0, bodyLimitBytes: 16 * 1024 * 1024, ...options.config },
  })
  await importModels(nexora)
  const manifest = (await nexora.registry.resolve(MODEL)).manifest
  const etl = new ClinicalETL(manifest.featureSpec)
  const templates = prefetchTemplates(etl.spec)

  /** A CDS Client JWT for a call to `path`; claims and header fields can be overridden or removed (undefined). */
  async function token(path: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, signer: TestKey = key) {
    const seconds = Math.floor(clock.now() / 1000)
    const payload = Object.fromEntries(
      Object.entries({ iss: EHR, aud: `${baseUrl}${path}`, iat: seconds, exp: seconds + 300, jti: crypto.randomUUID(), ...claims }).filter(
        ([, v]) => v !== undefined,
      ),
    )
    const protectedHeader = Object.fromEntries(
      Object.entries({ alg: signer.alg, typ: 'JWT', kid: signer.kid, jku: JKU, ...header }).filter(([, v]) => v !== undefined),
    )
    return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(signer.privateKey)
  }

  async function call(path: string, body: unknown, bearer?: string) {
    return nexora.app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer ?? (await token(path))}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  }

  /** What the EHR would prefetch for a patient: each template run against its FHIR server, every match on one page. */
  async function prefetch(patientId: string, keys = Object.keys(templates)) {
    const out: Record<string, unknown> = {}
    for (const k of keys) {
      const url = instantiate(templates[k]!, { patientId }, clock.now())!
      const res = await dev.app.fetch(
        new Request(`${FHIR}/${url}${url.includes('?') ? '&_count=500' : ''}`, { headers: { authorization: `Bearer ${FHIR_TOKEN}` } }),
      )
      out[k] = await res.json()
    }
    return out
  }

  function hookRequest(patientId: string, prefetched?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return {
      hook: 'patient-view',
      hookInstance: crypto.randomUUID(),
      context: { userId: 'Practitioner/dr-1', patientId },
      ...(prefetched ? { prefetch: prefetched } : {}),
      ...extra,
    }
  }
  const withFhir = {
    fhirServer: FHIR,
    fhirAuthorization: { access_token: FHIR_TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'user/*.rs', subject: 'nexora' },
  }

  /** The score the pipeline gives a patient's whole record, scored directly (no CDS Hooks). */
  async function directScore(patientId: string, drop: (r: { resourceType: string }) => boolean = () => false) {
    const record = structuredClone(
      dev
        .cohort!.resources.filter(
          (r) =>
            (r.id === patientId && r.resourceType === 'Patient') || (r.subject as { reference?: string } | undefined)?.reference === `Patient/${patientId}`,
        )
        .filter((r) => !drop(r)),
    )
    const [rec] = etl.fromBundle({ entry: record.map((resource) => ({ resource })) })
    const row = etl.transform(rec!, { now: clock.now(), indexTime: clock.now() })
    const features = Object.fromEntries(Object.entries(row.features).filter(([, v]) => v !== null))
    return { features: row.features, score: (await nexora.predict({ model: MODEL, rows: [{ features: features as never }] })).predictions[0]!.score }
  }

  /** Register a copy of the demo model under another name, with its cdsHooks section changed. */
  async function variant(name: string, section: Record<string, unknown>) {
    const base = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8')) as ModelManifest & { cdsHooks: Record<string, unknown> }
    await nexora.registry.register({ ...base, name, cdsHooks: { ...base.cdsHooks, ...section } } as ModelManifest, {
      'model.json': new Uint8Array(readFileSync(new URL('model.json', MODEL_DIR))),
    })
  }

  const events = () => (nexora.ports.get('auditSink') as unknown as { events: AuditEvent[] }).events

  return { nexora, dev, clock, key, logs, outbound, templates, token, call, prefetch, hookRequest, withFhir, directScore, variant, events }
}

export type CdsBench = Awaited<ReturnType<typeof cdsBench>>
