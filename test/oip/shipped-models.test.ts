import { beforeAll, describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type Nexora, type Row } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { oip } from '../../plugins/oip/index.ts'
import { deepfmModel } from '../../plugins/model-deepfm/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { onnxModel } from '../../plugins/model-onnx/index.ts'
import { coxModel } from '../../plugins/model-survival/index.ts'
import { transformerModel } from '../../plugins/model-transformer/index.ts'

let nexora: Nexora
const infer = async (model: string, body: unknown) => {
  const res = await nexora.app.request(`/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, model).toBe(200)
  return res.json() as Promise<{ model_name: string; outputs: { name: string; data: (number | string)[] }[] }>
}
const direct = async (model: string, rows: Row[], explain = false) => (await nexora.predict({ model, rows, explain })).predictions
const scores = (body: Awaited<ReturnType<typeof infer>>) => body.outputs.find((o) => o.name === 'score')!.data as number[]

beforeAll(async () => {
  nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
      linearModel(),
      deepfmModel(),
      transformerModel(),
      coxModel(),
      onnxModel(),
      oip(),
    ],
  })
  await importModels(nexora)
})

const patients = [
  { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.5, egfr: 45, prior_admissions: 3, length_of_stay: 6, on_anticoagulant: true },
  { age: 48, sex: 'M', systolic_bp: 118, hba1c: 5.5, egfr: 95, prior_admissions: 0, length_of_stay: 2, on_anticoagulant: false },
]
const column = (name: keyof (typeof patients)[0], datatype: string) => ({ name, datatype, shape: [2, 1], data: patients.map((p) => [p[name]]) })
const perFeature = [
  column('age', 'INT32'),
  column('sex', 'BYTES'),
  column('systolic_bp', 'FP64'),
  column('hba1c', 'FP64'),
  column('egfr', 'FP64'),
  column('prior_admissions', 'UINT8'),
  column('length_of_stay', 'INT64'),
  column('on_anticoagulant', 'BOOL'),
]
const rows: Row[] = patients.map((features) => ({ features }))

describe('a round trip through /v2 for each shipped model type', () => {
  it('linear (readmission-risk): per-feature tensors give the pipeline score, label and explanation', async () => {
    const body = await infer('readmission-risk', { inputs: perFeature, parameters: { explain: true } })
    const expected = await direct('readmission-risk', rows, true)
    scores(body).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!.score, 12))
    expect(body.outputs.find((o) => o.name === 'label')!.data).toEqual(expected.map((p) => p.label))
    expect(JSON.parse(body.outputs.find((o) => o.name === 'explanation')!.data[0] as string)).toEqual(expected[0]!.explanation)
  })

  it('deepfm (readmission-deepfm): one packed FP64 [2, 8] tensor in manifest order, sex by category index', async () => {
    const manifest = (await nexora.registry.resolve('readmission-deepfm')).manifest
    const packed = patients.map((p) =>
      manifest.inputs.map((i) => {
        const v = p[i.name as keyof typeof p]
        return typeof v === 'string' ? i.categories!.indexOf(v) : typeof v === 'boolean' ? Number(v) : v
      }),
    )
    const body = await infer('readmission-deepfm', { inputs: [{ name: 'input-0', datatype: 'FP64', shape: [2, manifest.inputs.length], data: packed }] })
    const expected = await direct('readmission-deepfm', rows)
    scores(body).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!.score, 6))
    expect(scores(body)[0]).not.toBeCloseTo(scores(body)[1]!, 3)
  })

  it('onnx (readmission-onnx): per-feature tensors through onnxruntime-web', async () => {
    const body = await infer('readmission-onnx', { inputs: perFeature })
    const expected = await direct('readmission-onnx', rows)
    scores(body).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!.score, 6))
  })

  it('cox (survival-cox): the 365-day risk as the score', async () => {
    const body = await infer('survival-cox', {
      inputs: [
        {
          name: 'x',
          datatype: 'FP64',
          shape: [2, 3],
          data: [
            [70, 1, 2],
            [55, 2, 0],
          ],
        },
      ],
    })
    const expected = await direct('survival-cox', [{ features: { age: 70, sex: 1, ph_ecog: 2 } }, { features: { age: 55, sex: 2, ph_ecog: 0 } }])
    scores(body).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!.score, 12))
    expect(scores(body)[0]).toBeGreaterThan(scores(body)[1]!)
    expect(body.outputs.map((o) => o.name)).toEqual(['score'])
  })

  it('transformer (mortality-transformer): the event sequence as one BYTES JSON element per row', async () => {
    const sick = [
      { code: 'ICD10:I50', time: '2025-03-01T00:00:00Z' },
      { code: 'ICD10:N18', time: '2025-06-01T00:00:00Z' },
      { code: 'ENC:IMP', time: '2025-09-01T00:00:00Z' },
    ]
    const body = await infer('mortality-transformer', {
      inputs: [
        { name: 'age', datatype: 'FP32', shape: [2], data: [84, 50] },
        { name: 'sequence', datatype: 'BYTES', shape: [2], data: [JSON.stringify(sick), '[]'] },
      ],
    })
    const expected = await direct('mortality-transformer', [
      { features: { age: 84 }, sequence: sick },
      { features: { age: 50 }, sequence: [] },
    ])
    scores(body).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!.score, 6))
    const meta = await (await nexora.app.request('/v2/models/mortality-transformer')).json()
    expect(meta.platform).toBe('nexora_transformer')
    expect(meta.inputs).toEqual([
      { name: 'age', datatype: 'FP64', shape: [-1] },
      { name: 'sequence', datatype: 'BYTES', shape: [-1] },
    ])
  })
})
