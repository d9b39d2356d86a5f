import { serve, type ServerType } from '@hono/node-server'
import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../../core/index.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { createFhirClient, type FhirClientOptions } from '../../plugins/fhir/index.ts'

const listen = (app: { fetch: (r: Request) => Response | Promise<Response> }) =>
  new Promise<{ url: string; server: ServerType }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }))
  })

const clock = manualClock(Date.parse('2026-06-30T00:00:00Z'))
let dev: DevFhirServer
let url: string
let server: ServerType
let keys: { clientId: string; privateKey: CryptoKey; kid: string; jwks: { keys: unknown[] } }
const ward = ['pt-0002', 'pt-0005', 'pt-0007']

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true })
  keys = { clientId: 'nexora-bulk', privateKey, kid: 'bulk-1', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'bulk-1', alg: 'ES384', use: 'sig' }] } }
  dev = createDevFhirServer({
    cohort: { patients: 12, seed: 3 },
    clients: [keys as never],
    clock,
    bulkExport: { delayMs: 2500, groups: { all: Array.from({ length: 12 }, (_, i) => `pt-${String(i + 1).padStart(4, '0')}`), ward } },
  })
  ;({ url, server } = await listen(dev.app))
})
afterAll(() => void server?.close())

const progress: (string | undefined)[] = []
const client = (over: Partial<FhirClientOptions> = {}) =>
  createFhirClient({
    baseUrl: url,
    clock,
    random: () => 0.5,
    // Each poll's wait moves the server's clock instead of the test's: the export "runs" while the client sleeps.
    sleep: async (ms) => void clock.advance(ms),
    auth: { type: 'smart-backend', clientId: keys.clientId, privateKey: keys.privateKey, alg: 'ES384', kid: keys.kid, scope: 'system/*.rs' },
    ...over,
  })
const subject = (r: { resourceType: string; id?: string; subject?: { reference?: string } }) =>
  r.resourceType === 'Patient' ? r.id : r.subject?.reference?.replace('Patient/', '')

describe('Bulk Data $export: the client against the dev FHIR server over HTTP', () => {
  it('exports a Group asynchronously: polls with progress, streams every member resource once, then deletes the export', async () => {
    const exp = await client().bulkExport({ level: 'group', group: 'ward' }, { onProgress: (p) => void progress.push(p.progress) })
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress[0]).toMatch(/% exported$/)
    expect(exp.manifest.requiresAccessToken).toBe(true)
    const got = []
    for await (const r of exp.resources()) got.push(r)
    const expected = dev.cohort!.resources.filter((r) => ward.includes(subject(r as never)!))
    expect(got.length).toBe(expected.length)
    expect(new Set(got.map((r) => subject(r as never)))).toEqual(new Set(ward))
    expect(exp.manifest.output.reduce((n, f) => n + (f.count ?? 0), 0)).toBe(expected.length)
    expect(await exp.errors()).toEqual([])
    await exp.remove()
    // Deleted: its status URL is gone (asked with the client's own token).
    await expect(client().bulkExport({ level: 'group', group: 'nobody' })).rejects.toMatchObject({ code: expect.stringMatching(/^fhir\./) })
    expect((await fetch(exp.statusUrl)).status).toBe(401) // and nothing is served without a token
  })

  it('narrows with _type, _typeFilter and _since, at system and Patient level', async () => {
    const types = await client().bulkExport({ level: 'system', types: ['Patient', 'Condition'] })
    const seen = new Set<string>()
    for await (const r of types.resources()) seen.add(r.resourceType)
    expect(seen).toEqual(new Set(['Patient', 'Condition']))

    const encounters = dev.cohort!.resources.filter((r) => r.resourceType === 'Encounter')
    const status = (encounters[0] as unknown as { status: string }).status
    const filtered = await client().bulkExport({ level: 'patient', types: ['Encounter'], typeFilters: [`Encounter?status=${status}`] })
    let n = 0
    for await (const r of filtered.resources('Encounter')) {
      expect((r as { status?: string }).status).toBe(status)
      n++
    }
    expect(n).toBe(encounters.filter((e) => (e as unknown as { status: string }).status === status).length)

    // Nothing changed after now: an empty export, no files.
    const none = await client().bulkExport({ level: 'system', since: new Date(clock.now() + 60_000).toISOString() })
    expect(none.manifest.output).toEqual([])
  })
})

describe('Bulk Data $export: attaching to an export by its status URL (another process staging one file)', () => {
  it('streams each output file on its own, together every resource once; a status URL on another origin is refused before any request', async () => {
    const first = await client().bulkExport({ level: 'group', group: 'ward' })
    const attached = await client().bulkExportAt(first.statusUrl)
    expect(attached.manifest.output).toEqual(first.manifest.output)
    const perFile: number[] = []
    const ids = new Set<string>()
    for (let i = 0; i < attached.manifest.output.length; i++) {
      let n = 0
      for await (const r of attached.file(i)) {
        ids.add(`${r.resourceType}/${r.id}`)
        n++
      }
      perFile.push(n)
    }
    expect(perFile).toEqual(attached.manifest.output.map((f) => f.count))
    expect(ids.size).toBe(dev.cohort!.resources.filter((r) => ward.includes(subject(r as never)!)).length)
    await expect(async () => {
      for await (const _ of attached.file(99)) void _
    }).rejects.toMatchObject({ code: 'request.invalid' })
    await expect(client().bulkExportAt('https://elsewhere.example/$export-status/x')).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    await first.remove()
  })
})

describe('Bulk Data $export: what a hostile or broken server gets', () => {
  /** A fake server: answers by path; records every request with whether it carried the token. */
  function fake(routes: Record<string, (req: Request) => Response>) {
    const seen: { url: string; token: boolean }[] = []
    const waits: number[] = []
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init)
      seen.push({ url: req.url, token: req.headers.has('authorization') })
      const route = Object.entries(routes).find(([p]) => req.url.startsWith(p))
      return route ? route[1](req) : new Response(null, { status: 404 })
    }) as typeof fetch
    const client = createFhirClient({
      baseUrl: 'https://ehr.example/fhir',
      fetch: fetchFn,
      retries: 0,
      sleep: async (ms) => void waits.push(ms),
      auth: { type: 'static', token: 'secret' },
    })
    return { seen, waits, client }
  }
  const kickOff = (status: string) => () => new Response(null, { status: 202, headers: { 'content-location': status } })
  // The IG's own manifest example (Bulk Data Access IG, BulkDataManifestByTypeExample), on this fake server's host.
  const igManifest = {
    transactionTime: '2021-01-01T00:00:00Z',
    requiresAccessToken: true,
    output: [
      { type: 'Patient', url: 'https://ehr.example/output/patient_file_1.ndjson' },
      { type: 'Observation', url: 'https://ehr.example/output/observation_file_1.ndjson' },
    ],
    deleted: [{ url: 'https://ehr.example/output/del_file_1.ndjson' }],
    error: [{ url: 'https://ehr.example/output/err_file_1.ndjson' }],
  }
  const ndjson = (lines: unknown[]) => new Response(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'))

  it("reads the IG's example manifest: token to files on the server's host, errors from the error files", async () => {
    const { client, seen } = fake({
      'https://ehr.example/fhir/Patient/$export': kickOff('https://ehr.example/async/42'),
      'https://ehr.example/async/42': () => Response.json(igManifest),
      'https://ehr.example/output/patient_file_1.ndjson': () =>
        ndjson([
          { resourceType: 'Patient', id: 'a' },
          { resourceType: 'Patient', id: 'b' },
        ]),
      'https://ehr.example/output/observation_file_1.ndjson': () =>
        ndjson([{ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/a' } }]),
      'https://ehr.example/output/err_file_1.ndjson': () =>
        ndjson([{ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'Patient/c unavailable' }] }]),
    })
    const exp = await client.bulkExport({ level: 'patient' })
    const ids = []
    for await (const r of exp.resources()) ids.push(`${r.resourceType}/${r.id ?? ''}`)
    expect(ids).toEqual(['Patient/a', 'Patient/b', 'Observation/'])
    expect((await exp.errors()).map((o) => o.resourceType)).toEqual(['OperationOutcome'])
    expect(seen.every((s) => s.token && new URL(s.url).host === 'ehr.example')).toBe(true)
  })

  it('never sends the token to another host: a status URL or a token-bearing file elsewhere is refused unrequested', async () => {
    const away = fake({ 'https://ehr.example/fhir/$export': kickOff('https://attacker.example/async/1') })
    await expect(away.client.bulkExport({ level: 'system' })).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(away.seen.some((s) => s.url.includes('attacker'))).toBe(false)

    const files = fake({
      'https://ehr.example/fhir/$export': kickOff('https://ehr.example/async/2'),
      'https://ehr.example/async/2': () => Response.json({ ...igManifest, output: [{ type: 'Patient', url: 'https://attacker.example/p.ndjson' }] }),
    })
    const exp = await files.client.bulkExport({ level: 'system' })
    await expect(exp.resources()[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(files.seen.some((s) => s.url.includes('attacker'))).toBe(false)

    // A file that needs no token (a signed storage URL) is fetched elsewhere, bare.
    const signed = fake({
      'https://ehr.example/fhir/$export': kickOff('https://ehr.example/async/3'),
      'https://ehr.example/async/3': () =>
        Response.json({ ...igManifest, requiresAccessToken: false, output: [{ type: 'Patient', url: 'https://storage.example/p.ndjson?sig=1' }], error: [] }),
      'https://storage.example/p.ndjson': () => ndjson([{ resourceType: 'Patient', id: 'z' }]),
    })
    const bare = await signed.client.bulkExport({ level: 'system' })
    for await (const r of bare.resources()) expect(r.id).toBe('z')
    expect(signed.seen.find((s) => s.url.startsWith('https://storage.example'))).toEqual({ url: 'https://storage.example/p.ndjson?sig=1', token: false })
  })

  it('names a bad NDJSON line by number without quoting it, refuses a malformed manifest, and honours Retry-After', async () => {
    let polls = 0
    const { client, waits } = fake({
      'https://ehr.example/fhir/$export': kickOff('https://ehr.example/async/4'),
      'https://ehr.example/async/4': () =>
        ++polls < 3 ? new Response(null, { status: 202, headers: { 'retry-after': '7', 'x-progress': `${polls * 30}%` } }) : Response.json(igManifest),
      'https://ehr.example/output/patient_file_1.ndjson': () => ndjson([{ resourceType: 'Patient', id: 'a' }, '{"resourceType":"Patient","name":"Jane Doe"']),
    })
    const exp = await client.bulkExport({ level: 'system' })
    expect(polls).toBe(3)
    expect(waits).toEqual([7000, 7000])
    const read = async () => {
      for await (const _ of exp.resources('Patient'));
    }
    const error = await read().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'fhir.invalid_resource', detail: expect.stringContaining('line 2') })
    expect(JSON.stringify(error)).not.toContain('Jane')

    const broken = fake({
      'https://ehr.example/fhir/$export': kickOff('https://ehr.example/async/5'),
      'https://ehr.example/async/5': () => Response.json({ output: 'nope' }),
    })
    await expect(broken.client.bulkExport({ level: 'system' })).rejects.toMatchObject({ code: 'fhir.invalid_resource' })
  })
})

describe('Bulk Data $export: a long download', () => {
  const base = 'https://ehr.example/fhir'
  const manifest = {
    transactionTime: '2026-01-01T00:00:00Z',
    request: `${base}/$export`,
    requiresAccessToken: true,
    output: [{ type: 'Patient', url: `${base}/files/p.ndjson` }],
    error: [],
  }
  /** A file sent a line every `gapMs`, `lines` lines, or stalled after `stallAfter` lines. */
  // As fetch does, the body errors when the request's signal aborts.
  const server =
    (gapMs: number, lines: number, stallAfter = Number.POSITIVE_INFINITY): typeof fetch =>
    async (input, init) => {
      const url = String(input)
      const signal = init?.signal ?? undefined
      if (url.includes('$export-status')) return new Response(JSON.stringify(manifest), { status: 200, headers: { 'content-type': 'application/json' } })
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= lines) return controller.close()
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, sent >= stallAfter ? 60_000 : gapMs)
            signal?.addEventListener('abort', () => {
              clearTimeout(timer)
              reject(signal.reason)
            })
          })
          controller.enqueue(new TextEncoder().encode(`${JSON.stringify({ resourceType: 'Patient', id: `p${sent++}` })}\n`))
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'application/fhir+ndjson' } })
    }
  const read = async (fetcher: typeof fetch) => {
    const c = createFhirClient({ baseUrl: base, fetch: fetcher, timeoutMs: 150, retries: 0, auth: { type: 'static', token: 't' } })
    const exp = await c.bulkExportAt(`${base}/$export-status/1`)
    let n = 0
    for await (const _ of exp.file(0)) n++
    return n
  }

  it('keeps reading a file that takes longer than the time limit while its bytes keep coming, and fails a stalled one as fhir.unavailable', async () => {
    // 12 lines 50 ms apart: 600 ms in all, four times the 150 ms limit.
    expect(await read(server(50, 12))).toBe(12)
    await expect(read(server(10, 12, 3))).rejects.toMatchObject({ code: 'fhir.unavailable' })
  })
})
