import { describe, expect, it } from 'vitest'
import { definePlugin, memoryAuditSink, memoryModelStore, createNexora } from '../../core/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { servableManifest } from '../../testkit/servable.ts'

describe('models routes', () => {
  it('lists models, one model, and one version with its manifest', async () => {
    const { nexora } = await toyNexora()
    const list = await (await nexora.app.request('/models')).json()
    expect(list.models).toEqual([expect.objectContaining({ name: 'toy', aliases: { production: '1.0.0', latest: '1.0.0' } })])
    const one = await (await nexora.app.request('/models/toy')).json()
    expect(one.versions).toEqual([expect.objectContaining({ version: '1.0.0', stage: 'production', kind: 'toy' })])
    const version = await (await nexora.app.request('/models/toy/versions/1.0.0')).json()
    expect(version.manifest.inputs.map((i: { name: string }) => i.name)).toEqual(['age', 'smoker', 'sex'])
    expect(version.manifest.files['weights.json']).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers unknown models and versions with 404 problems', async () => {
    const { nexora } = await toyNexora()
    const a = await nexora.app.request('/models/nope')
    const b = await nexora.app.request('/models/toy/versions/3.0.0')
    expect([a.status, (await a.json()).code, b.status, (await b.json()).code]).toEqual([404, 'model.not_found', 404, 'model.version_not_found'])
  })

  it('promotes and archives versions', async () => {
    const { nexora } = await toyNexora()
    const { toyFiles, toyManifest } = await import('../../testkit/models.ts')
    await nexora.registry.register(servableManifest(toyManifest('1.1.0')), toyFiles())
    // Production needs a second principal's approval: the dev caller asking may not be the one who approves.
    const unapproved = await nexora.app.request('/models/toy/versions/1.1.0/promote', post('', { stage: 'production' }))
    expect([unapproved.status, (await unapproved.json()).code]).toEqual([409, 'model.approval_required'])
    await nexora.lifecycle.approve('toy', '1.1.0', 'dev', 'my own change')
    const self = await nexora.app.request('/models/toy/versions/1.1.0/promote', post('', { stage: 'production' }))
    expect([self.status, (await self.json()).code]).toEqual([403, 'model.self_approval'])
    await nexora.lifecycle.approve('toy', '1.1.0', 'reviewer', 'validated on our patients')
    const promoted = await nexora.app.request('/models/toy/versions/1.1.0/promote', post('', { stage: 'production' }))
    expect((await promoted.json()).aliases.production).toBe('1.1.0')
    const archived = await nexora.app.request('/models/toy/versions/1.1.0/archive', { method: 'POST' })
    expect((await archived.json()).aliases).toEqual({ latest: '1.0.0' })
    const refused = await nexora.app.request('/predict', post('', { model: 'toy', version: '1.1.0', rows: [{ features: { age: 1 } }] }))
    expect([refused.status, (await refused.json()).code]).toEqual([409, 'model.version_archived'])
    const badStage = await nexora.app.request('/models/toy/versions/1.0.0/promote', post('', { stage: 'prod' }))
    expect(badStage.status).toBe(400)
  })

  it('requires nexora/models.write to promote', async () => {
    const { nexora } = await toyNexora({ devCaller: { subject: 'viewer', scopes: ['nexora/predict'], roles: [] } })
    const res = await nexora.app.request('/models/toy/versions/1.0.0/promote', post('', { stage: 'staging' }))
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('auth.forbidden')
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope')
  })
})

describe('system routes', () => {
  it('reports health with each port, and 503 when a required port is down', async () => {
    const { nexora } = await toyNexora()
    const ok = await nexora.app.request('/health')
    expect(ok.status).toBe(200)
    expect((await ok.json()).ports.auditSink).toEqual({ ok: true, provider: 'audit', required: true })
    const down = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({
          name: 'broken-audit',
          provides: 'auditSink',
          setup: () => ({ ...memoryAuditSink(), health: async () => ({ ok: false, detail: 'disk unavailable' }) }),
        }),
      ],
    })
    const res = await down.app.request('/health')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ status: 'down', ports: { auditSink: { ok: false, detail: 'disk unavailable' } } })
  })

  it('serves an OpenAPI 3.1 document describing every route with its schemas', async () => {
    const { nexora } = await toyNexora()
    const doc = await (await nexora.app.request('/openapi.json')).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/audit/checkpoint',
      '/audit/events',
      '/audit/report',
      '/audit/verify',
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/models',
      '/models/{name}',
      '/models/{name}/canary/advance',
      '/models/{name}/canary/rollback',
      '/models/{name}/lifecycle',
      '/models/{name}/source-attributes',
      '/models/{name}/timeline',
      '/models/{name}/versions/{version}',
      '/models/{name}/versions/{version}/approve',
      '/models/{name}/versions/{version}/archive',
      '/models/{name}/versions/{version}/canary',
      '/models/{name}/versions/{version}/promote',
      '/models/{name}/versions/{version}/shadow',
      '/predict',
    ])
    expect(doc.paths['/predict'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/PredictRequest')
    expect(Object.keys(doc.paths['/predict'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '422']))
    // Plugins register codes after the schema is built, so the code is a string that points at the full list.
    expect(doc.components.schemas.Problem.properties.code).toMatchObject({ type: 'string', example: 'model.not_found' })
  })

  it('serves interactive docs from local assets, with no CDN', async () => {
    const { nexora } = await toyNexora({ assets: async (path) => (path === 'docs/swagger-ui.css' ? new Response('css') : undefined) })
    const html = await (await nexora.app.request('/docs')).text()
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js')
    expect(html).not.toMatch(/https?:\/\//)
    expect(await (await nexora.app.request('/docs/assets/swagger-ui.css')).text()).toBe('css')
    expect((await nexora.app.request('/docs/assets/init.js')).headers.get('content-type')).toContain('javascript')
    expect((await nexora.app.request('/docs/assets/missing.js')).status).toBe(404)
  })

  it('says how to get the docs page when no assets are installed (swagger-ui-dist is an optional peer)', async () => {
    const { nexora } = await toyNexora({})
    const html = await (await nexora.app.request('/docs')).text()
    expect(html).toContain('npm install swagger-ui-dist')
    expect(html).not.toContain('swagger-ui-bundle.js')
  })

  it('answers unknown routes with a route.not_found problem', async () => {
    const { nexora } = await toyNexora()
    const res = await nexora.app.request('/nowhere')
    expect([res.status, res.headers.get('content-type'), (await res.json()).code]).toEqual([404, 'application/problem+json', 'route.not_found'])
  })
})
