import { describe, expect, it } from 'vitest'
import { toyNexora } from '../../testkit/nexora.ts'
import { toyFiles, toyManifest } from '../../testkit/models.ts'
import { completeSourceAttributes } from '../../testkit/source-attributes.ts'

/** The toy model in production at 1.0.0, plus 1.1.0 with all 31 attributes and 1.2.0 with one. */
async function bench(config = {}) {
  const toy = await toyNexora(config)
  await toy.nexora.registry.register(toyManifest('1.1.0', { sourceAttributes: completeSourceAttributes() }), toyFiles())
  await toy.nexora.registry.register(toyManifest('1.2.0', { sourceAttributes: { purpose: { intendedUse: 'Tests only.' } } }), toyFiles())
  return toy
}
const get = async (app: { request(path: string, init?: RequestInit): Response | Promise<Response> }, path: string, accept?: string) => {
  const res = await app.request(path, accept ? { headers: { accept } } : {})
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() }
}

describe('GET /models/{name}/source-attributes', () => {
  it('answers the version asked for, grouped as the rule groups them, with what is missing', async () => {
    const { nexora } = await bench()
    const complete = await get(nexora.app, '/models/toy/source-attributes?version=1.1.0')
    expect(complete.status).toBe(200)
    expect(complete.type).toContain('application/json')
    expect(complete.body).toMatchObject({ model: { name: 'toy', version: '1.1.0' }, complete: true, missing: [], counts: { provided: 20, notAvailable: 11 } })
    expect(complete.body.groups).toHaveLength(9)
    expect(complete.body.groups[0].attributes[0]).toMatchObject({ key: 'details.developer', status: 'provided', value: { name: 'Test developer' } })
    const partial = await get(nexora.app, '/models/toy/source-attributes?version=1.2.0')
    expect(partial.body).toMatchObject({ complete: false, counts: { provided: 1, notAvailable: 0, missing: 30 } })
    expect(partial.body.missing).not.toContain('purpose.intendedUse')
    expect(partial.body.missing[0]).toBe('details.developer')
  })

  it('defaults to the serving version (production, else latest)', async () => {
    const { nexora } = await bench()
    expect((await get(nexora.app, '/models/toy/source-attributes')).body.model).toEqual({ name: 'toy', version: '1.0.0' })
    await nexora.registry.archive('toy', '1.0.0')
    expect((await get(nexora.app, '/models/toy/source-attributes')).body.model).toEqual({ name: 'toy', version: '1.2.0' })
  })

  it('answers a FHIR DocumentReference for Accept: application/fhir+json or _format=fhir; _format wins over Accept', async () => {
    const { nexora } = await bench()
    const stored = await nexora.registry.getVersion('toy', '1.1.0')
    for (const [path, accept] of [
      ['/models/toy/source-attributes?version=1.1.0', 'application/fhir+json'],
      ['/models/toy/source-attributes?version=1.1.0&_format=fhir', undefined],
      ['/models/toy/source-attributes?version=1.1.0&_format=fhir', 'application/json'],
    ] as const) {
      const res = await get(nexora.app, path, accept)
      expect([res.status, res.type], path).toEqual([200, 'application/fhir+json'])
      expect(res.body).toMatchObject({ resourceType: 'DocumentReference', status: 'current', docStatus: 'final', date: stored.createdAt })
    }
    const json = await get(nexora.app, '/models/toy/source-attributes?version=1.2.0&_format=json', 'application/fhir+json')
    expect([json.type, json.body.complete]).toEqual(['application/json', false])
  })

  it('answers problems: 404 for an unknown model or version, 400 for a bad query', async () => {
    const { nexora } = await bench()
    const unknown = await get(nexora.app, '/models/nope/source-attributes')
    expect([unknown.status, unknown.type, unknown.body.code]).toEqual([404, 'application/problem+json', 'model.not_found'])
    const version = await get(nexora.app, '/models/toy/source-attributes?version=9.9.9', 'application/fhir+json')
    expect([version.status, version.type, version.body.code]).toEqual([404, 'application/problem+json', 'model.version_not_found'])
    const bad = await get(nexora.app, '/models/toy/source-attributes?_format=xml')
    expect([bad.status, bad.body.code]).toEqual([400, 'request.invalid'])
  })

  it('needs a read scope, as GET /models does', async () => {
    const reader = await bench({ devCaller: { subject: 'reader', scopes: ['nexora/models.read'], roles: [] } })
    expect((await reader.nexora.app.request('/models/toy/source-attributes')).status).toBe(200)
    const stranger = await bench({ devCaller: { subject: 'stranger', scopes: ['nexora/audit.read'], roles: [] } })
    const refused = await get(stranger.nexora.app, '/models/toy/source-attributes')
    expect([refused.status, refused.body.code]).toEqual([403, 'auth.forbidden'])
  })

  it('is documented in /openapi.json with both representations', async () => {
    const { nexora } = await bench()
    const doc = (await get(nexora.app, '/openapi.json')).body
    const op = doc.paths['/models/{name}/source-attributes'].get
    expect(Object.keys(op.responses[200].content)).toEqual(['application/json', 'application/fhir+json'])
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['_format', 'name', 'version'])
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404']))
    expect(doc.components.schemas.ModelManifest.properties.sourceAttributes).toBeDefined()
  })
})
