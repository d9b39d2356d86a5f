import { serve } from '@hono/node-server'
import type { DevFhirServer, FhirJson } from '../devtools/fhir-server/index.ts'

/** What the dev FHIR server tests share: the server on a free port, JSON requests, and a cohort's resources per patient. */
export interface Running {
  url: string
  close(): Promise<void>
}

export function listen(server: DevFhirServer): Promise<Running> {
  return new Promise((resolve) => {
    const s = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => s.close(() => done())),
      }),
    )
  })
}

export const fhirJson = { 'content-type': 'application/fhir+json' }

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

export async function send(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers: { ...fhirJson, ...headers }, body: JSON.stringify(body) })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

export type Resource = FhirJson & Record<string, any>

/** A resource's patient: its own id for a Patient, else its subject. */
export const subjectOf = (r: Resource) => (r.resourceType === 'Patient' ? r.id : String(r.subject?.reference).replace('Patient/', ''))

/** Every resource of a cohort grouped by patient. */
export function byPatientOf(resources: Resource[]): Map<string, Resource[]> {
  const byPatient = new Map<string, Resource[]>()
  for (const r of resources) {
    const id = subjectOf(r)!
    if (!byPatient.has(id)) byPatient.set(id, [])
    byPatient.get(id)!.push(r)
  }
  return byPatient
}
