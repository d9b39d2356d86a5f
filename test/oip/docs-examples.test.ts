import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { transformerModel } from '../../plugins/model-transformer/index.ts'
import { oip } from '../../plugins/oip/index.ts'

const doc = readFileSync(new URL('../../docs/oip.md', import.meta.url), 'utf8')
const examples = [...doc.matchAll(/localhost:8000(\/v2\S+) -d '(\{.*?\})'/gs)].map((m) => ({ path: m[1]!, body: JSON.parse(m[2]!) as unknown }))

describe('docs/oip.md examples stay true', () => {
  it('every curl body in the guide is accepted by a server with the shipped models', async () => {
    expect(examples.length).toBe(3)
    const nexora = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
        linearModel(),
        transformerModel(),
        oip(),
      ],
    })
    await importModels(nexora)
    for (const { path, body } of examples) {
      const res = await nexora.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status, path).toBe(200)
      const json = await res.json()
      expect(json.outputs.length, path).toBeGreaterThan(0)
    }
  })
})
