/**
 * Asynchronous Bulk Data `$export` (FHIR Bulk Data Access IG 2.0) on the dev server: system,
 * `Patient` and `Group/{id}` kick-off with `_type`, `_since`, `_typeFilter` and `_outputFormat`;
 * `202` + `Content-Location`; the status URL answers `202` with `X-Progress` and `Retry-After`
 * until the export is ready, then the manifest; NDJSON files streamed from the store (one file per
 * type, so a 100,000-patient cohort is never one string); `DELETE` removes an export.
 *
 * With a generated population (population.ts) the manifest also lists, per type, one file per
 * `patientsPerFile` patients (`Observation.3.ndjson`: the third block), each with its `count` (from
 * the generator's plans; omitted when a `_typeFilter` narrows that type), streamed as it is generated.
 * The population is never held: `_type`, `_typeFilter` and `Group` ranges apply while generating;
 * `_since` compares with the population's fixed `meta.lastUpdated` (its `now`): all or nothing.
 */
import type { Context, Hono } from 'hono'
import { allows, type Grant } from './auth.ts'
import { failure, toResponse } from './outcome.ts'
import { POPULATION_TYPES, type PopulationCohort, type PopulationRange, type PopulationType } from './population.ts'
import { type FhirJson, type FhirStore, patientOf } from './store.ts'

export interface BulkExportOptions {
  /** How long an export "runs" before its manifest is ready (the polling a client must do). Default 0. */
  delayMs?: number
  /** Groups a `Group/{id}/$export` may name, by id: their member patients. Default `{ all: every patient }`. */
  groups?: Record<string, string[]>
  /** Files require the export's bearer token. Default: when the server requires tokens. */
  requiresAccessToken?: boolean
}

/** A generated population the export serves alongside the store (server.ts `population`). */
export interface BulkExportPopulation {
  cohort: PopulationCohort
  /** `Group/{id}/$export` over a contiguous block of the population. `all` is every patient unless named here. */
  groups?: Record<string, PopulationRange>
  /** Patients per NDJSON file. Default 10,000. */
  patientsPerFile?: number
}

interface Export {
  id: string
  request: string
  transactionTime: string
  readyAt: number
  types: string[]
  /** Who may read the files: the kick-off's grant. */
  grant: Grant
  keep(resource: FhirJson): boolean
  /** The population's patients in the export, when a population is served and any of it is. */
  population?: { from: number; to: number }
  /** `_since` and `_typeFilter` only (a population resource is in the export's scope by construction). */
  matches(resource: FhirJson): boolean
  /** Types narrowed by a `_typeFilter`. */
  filtered: Set<string>
  /** Resources per type in each population file block, computed once (the manifest may be asked for again). */
  blockCounts?: Record<PopulationType, number>[]
}

const NDJSON = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson'])
const STATUS = '/$export-status/'

export function registerBulkExport(
  app: Hono<{ Variables: { grant: Grant } }>,
  deps: {
    store: FhirStore
    clock: { now(): number }
    baseOf(url: string): string
    authEnabled: boolean
    options?: BulkExportOptions
    population?: BulkExportPopulation
  },
) {
  const { store, clock, population } = deps
  const perFile = Math.max(1, population?.patientsPerFile ?? 10_000)
  const exports = new Map<string, Export>()
  const groups = () => deps.options?.groups ?? { all: store.all('Patient').map((p) => p.id!) }
  const requiresAccessToken = deps.options?.requiresAccessToken ?? deps.authEnabled

  function kickOff(c: Context<{ Variables: { grant: Grant } }>, level: 'system' | 'patient' | 'group', groupId?: string) {
    if (!/respond-async/i.test(c.req.header('prefer') ?? '')) return toResponse(failure(400, 'invalid', '$export is asynchronous: send Prefer: respond-async'))
    const url = new URL(c.req.url)
    const format = url.searchParams.get('_outputFormat')
    if (format !== null && !NDJSON.has(format)) return toResponse(failure(400, 'not-supported', `unsupported _outputFormat: ${format}`))
    const since = url.searchParams.get('_since')
    if (since !== null && Number.isNaN(Date.parse(since))) return toResponse(failure(400, 'invalid', '_since is not an instant'))
    const available = store.types().filter((t) => t !== 'Group')
    const types = url.searchParams.get('_type')?.split(',').filter(Boolean) ?? available
    const unknown = types.filter((t) => !/^[A-Z][A-Za-z]+$/.test(t))
    if (unknown.length) return toResponse(failure(400, 'invalid', `_type names no resource type: ${unknown.join(', ')}`))
    const grant = c.get('grant')
    const denied = types.filter((t) => !allows(grant, t, 'read'))
    if (denied.length) return toResponse(failure(403, 'forbidden', `the token may not read ${denied.join(', ')}`))
    // `_typeFilter`: `Type?param=value`; the dev server understands `Observation?code=…` style equality on a top-level code or status.
    const filters = new Map<string, [string, string][]>()
    for (const f of url.searchParams.getAll('_typeFilter').flatMap((v) => v.split(','))) {
      const [type, query = ''] = f.split('?')
      filters.set(type!, [...(filters.get(type!) ?? []), ...new URLSearchParams(query)])
    }
    let members: Set<string> | undefined
    const sinceMs = since === null ? undefined : Date.parse(since)
    // The population's share: all of it, or a group's block; nothing when `_since` is at or after its fixed lastUpdated.
    let block: PopulationRange | undefined = population && (level !== 'group' ? {} : (population.groups?.[groupId!] ?? (groupId === 'all' ? {} : undefined)))
    if (level === 'group') {
      const ids = population?.groups?.[groupId!] ? undefined : groups()[groupId!]
      if (!ids && !block) return toResponse(failure(404, 'not-found', `Group/${groupId} is not known`))
      members = new Set(ids ?? [])
    }
    if (population && block && sinceMs !== undefined && Date.parse(population.cohort.lastUpdated) <= sinceMs) block = undefined
    const from = Math.max(1, block?.from ?? 1)
    const to = Math.min(population?.cohort.patients ?? 0, block?.to ?? Number.POSITIVE_INFINITY)
    const matches = (r: FhirJson) => {
      if (sinceMs !== undefined && Date.parse(r.meta?.lastUpdated ?? '') <= sinceMs) return false
      const wanted = filters.get(r.resourceType)
      return !wanted || wanted.every(([param, value]) => matchesParam(r, param, value))
    }
    const id = crypto.randomUUID()
    exports.set(id, {
      id,
      request: url.href,
      transactionTime: new Date(clock.now()).toISOString(),
      readyAt: clock.now() + (deps.options?.delayMs ?? 0),
      types,
      grant,
      keep(r) {
        if (members) {
          const patient = r.resourceType === 'Patient' ? r.id : patientOf(r)
          if (!patient || !members.has(patient)) return false
        } else if (level === 'patient' && r.resourceType !== 'Patient' && !patientOf(r)) return false
        return matches(r)
      },
      matches,
      filtered: new Set(filters.keys()),
      ...(block && from <= to ? { population: { from, to } } : {}),
    })
    return new Response(null, { status: 202, headers: { 'content-location': `${deps.baseOf(c.req.url)}${STATUS}${id}` } })
  }

  app.get('/$export', (c) => kickOff(c, 'system'))
  app.get('/Patient/$export', (c) => kickOff(c, 'patient'))
  app.get('/Group/:id/$export', (c) => kickOff(c, 'group', c.req.param('id')))

  app.get(`${STATUS}:id`, (c) => {
    const job = exports.get(c.req.param('id'))
    if (!job) return toResponse(failure(404, 'not-found', 'no such export (it may have been deleted)'))
    const left = job.readyAt - clock.now()
    if (left > 0) {
      const done = Math.max(0, Math.min(99, Math.round(100 - (100 * left) / Math.max(1, deps.options?.delayMs ?? 1))))
      return new Response(null, { status: 202, headers: { 'x-progress': `${done}% exported`, 'retry-after': String(Math.max(1, Math.ceil(left / 1000))) } })
    }
    const base = deps.baseOf(c.req.url)
    const output: { type: string; url: string; count?: number }[] = job.types
      .map((type) => ({ type, url: `${base}/$export-file/${job.id}/${type}.ndjson`, count: store.all(type).filter(job.keep).length }))
      .filter((o) => o.count > 0)
    if (job.population) output.push(...populationFiles(job, base))
    return Response.json({ transactionTime: job.transactionTime, request: job.request, requiresAccessToken, output, error: [] })
  })

  app.delete(`${STATUS}:id`, (c) =>
    exports.delete(c.req.param('id')) ? new Response(null, { status: 202 }) : toResponse(failure(404, 'not-found', 'no such export')),
  )

  /** The population's files of an export: per type, one per block of `patientsPerFile` patients, with counts from the plans. */
  function populationFiles(job: Export, base: string) {
    const { from, to } = job.population!
    const types = job.types.filter((t): t is PopulationType => (POPULATION_TYPES as readonly string[]).includes(t))
    const files: { type: string; url: string; count?: number }[] = []
    job.blockCounts ??= Array.from({ length: Math.ceil((to - from + 1) / perFile) }, (_, i) =>
      population!.cohort.counts({ from: from + i * perFile, to: Math.min(to, from + (i + 1) * perFile - 1) }),
    )
    for (const [i, counts] of job.blockCounts.entries()) {
      const part = i + 1
      for (const type of types) {
        const url = `${base}/$export-file/${job.id}/${type}.${part}.ndjson`
        if (job.filtered.has(type)) files.push({ type, url })
        else if (counts[type] > 0) files.push({ type, url, count: counts[type] })
      }
    }
    // Type by type, as the store's files are listed.
    return files.sort((a, b) => types.indexOf(a.type as PopulationType) - types.indexOf(b.type as PopulationType))
  }

  app.get('/$export-file/:id/:file', (c) => {
    const job = exports.get(c.req.param('id'))
    const [, type, part] = /^([A-Z][A-Za-z]+)(?:\.(\d{1,9}))?\.ndjson$/.exec(c.req.param('file')) ?? []
    if (!job || !type || !job.types.includes(type) || job.readyAt > clock.now()) return toResponse(failure(404, 'not-found', 'no such export file'))
    if (part !== undefined) {
      // A population file: generated as the client reads it.
      const start = (job.population?.from ?? 0) + (Number(part) - 1) * perFile
      if (!job.population || !population!.cohort.types.includes(type as PopulationType) || Number(part) < 1 || start > job.population.to)
        return toResponse(failure(404, 'not-found', 'no such export file'))
      const body = population!.cohort.stream(type as PopulationType, {
        from: start,
        to: Math.min(job.population.to, start + perFile - 1),
        ...(job.filtered.has(type) ? { keep: job.matches } : {}),
      })
      return new Response(body, { headers: { 'content-type': 'application/fhir+ndjson' } })
    }
    const resources = store.all(type)
    let at = 0
    const encoder = new TextEncoder()
    // Streamed a thousand lines at a time: the file is never one string.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const lines: string[] = []
        while (at < resources.length && lines.length < 1000) {
          const r = resources[at++]!
          if (job.keep(r)) lines.push(JSON.stringify(r))
        }
        if (lines.length) controller.enqueue(encoder.encode(`${lines.join('\n')}\n`))
        if (at >= resources.length) controller.close()
      },
    })
    return new Response(body, { headers: { 'content-type': 'application/fhir+ndjson' } })
  })
}

/** `param=value` on a top-level element: a code's coding (`system|code` or `code`), or a plain value such as `status`. */
function matchesParam(r: FhirJson, param: string, value: string): boolean {
  const v = (r as Record<string, unknown>)[param]
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v) === value
  const codings = (v as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []
  return codings.some((cd) => value === cd.code || value === `${cd.system}|${cd.code}`)
}
