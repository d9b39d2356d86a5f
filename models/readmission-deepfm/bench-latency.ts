/**
 * Single-row `nexora.predict()` latency of the shipped DeepFM against the linear demo model,
 * same pipeline, same row. Run: node --import tsx models/readmission-deepfm/bench-latency.ts
 */
import { readFileSync } from 'node:fs'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type ModelManifest, type Row } from '../../core/index.ts'
import { deepfmModel } from '../../plugins/model-deepfm/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

const load = (dir: string) => {
  const manifest = JSON.parse(readFileSync(new URL(`../${dir}/manifest.json`, import.meta.url), 'utf8')) as ModelManifest
  const files = Object.fromEntries(Object.keys(manifest.files ?? {}).map((f) => [f, new Uint8Array(readFileSync(new URL(`../${dir}/${f}`, import.meta.url)))]))
  return { manifest, files }
}
const nexora = await createNexora({
  plugins: [
    definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
    definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
    linearModel(), deepfmModel(),
  ],
})
for (const dir of ['readmission-risk', 'readmission-deepfm']) {
  const { manifest, files } = load(dir)
  await nexora.registry.register(manifest, files)
}
const row: Row = { features: { age: 71, sex: 'M', systolic_bp: 142, hba1c: 7.9, egfr: 58, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true } }
async function time(model: string, explain: boolean, n = 5000) {
  for (let i = 0; i < 500; i++) await nexora.predict({ model, rows: [row], explain })
  const t = performance.now()
  for (let i = 0; i < n; i++) await nexora.predict({ model, rows: [row], explain })
  return ((performance.now() - t) / n) * 1000
}
const out: Record<string, number> = {}
for (let round = 0; round < 2; round++) {
  out.linear_us = await time('readmission-risk', false)
  out.deepfm_us = await time('readmission-deepfm', false)
  out.linear_explain_us = await time('readmission-risk', true, 2000)
  out.deepfm_explain_us = await time('readmission-deepfm', true, 2000)
}
console.log(JSON.stringify({ ...out, ratio: out.deepfm_us! / out.linear_us!, explainRatio: out.deepfm_explain_us! / out.linear_explain_us! }, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v)))
