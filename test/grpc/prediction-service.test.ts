import { create } from '@bufbuild/protobuf'
import { describe, expect, it } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import { PredictRequestSchema } from '../../plugins/grpc/gen/nexora/v1/prediction_pb.ts'
import { toPredictionRequest, toPredictResponse } from '../../plugins/grpc/prediction-service.ts'

const request = (init: Parameters<typeof create<typeof PredictRequestSchema>>[1]) => create(PredictRequestSchema, init)
function refusal(fn: () => unknown): NexoraError {
  try {
    fn()
  } catch (e) {
    if (e instanceof NexoraError) return e
  }
  throw new Error('expected a NexoraError')
}

describe("PredictRequest → the pipeline's request (the /predict body)", () => {
  it('maps typed values, an unset value to null, empty proto3 strings to absent, and sequences', () => {
    const mapped = toPredictionRequest(
      request({
        model: 'm',
        selector: { case: 'alias', value: 'staging' },
        explain: true,
        purpose: '',
        rows: [
          {
            patientId: 'Patient/1',
            features: {
              age: { kind: { case: 'numberValue', value: 70 } },
              sex: { kind: { case: 'stringValue', value: 'F' } },
              smoker: { kind: { case: 'boolValue', value: false } },
              bmi: {},
            },
          },
          {
            patientId: '',
            features: { age: { kind: { case: 'numberValue', value: 40 } } },
            sequence: [
              { code: 'ICD10:I50', time: '2024-03-01T10:00:00Z', value: 2 },
              { code: 'LOINC:1', time: '2024-03-02T10:00:00Z' },
            ],
          },
        ],
      }),
    )
    expect(mapped).toEqual({
      model: 'm',
      alias: 'staging',
      explain: true,
      rows: [
        { patientRef: 'Patient/1', features: { age: 70, sex: 'F', smoker: false, bmi: null } },
        {
          patientRef: undefined,
          features: { age: 40 },
          sequence: [
            { code: 'ICD10:I50', time: '2024-03-01T10:00:00Z', value: 2 },
            { code: 'LOINC:1', time: '2024-03-02T10:00:00Z' },
          ],
        },
      ],
    })
  })

  it('applies the REST limits: unknown alias, oversized purpose, bad event time', () => {
    const error = refusal(() =>
      toPredictionRequest(
        request({ model: 'm', selector: { case: 'alias', value: 'prod' }, purpose: 'x'.repeat(65), rows: [{ sequence: [{ code: 'c', time: 'yesterday' }] }] }),
      ),
    )
    expect(error.code).toBe('request.invalid')
    expect(error.detail).toBe('invalid field(s) alias rows.0.sequence.0.time purpose')
  })

  it('never echoes a client-chosen key that is not name-like (it could be anything, PHI included)', () => {
    const key = `Jane Doe 1970-01-01 ${'x'.repeat(200)}`
    const error = refusal(() => toPredictionRequest(request({ model: 'm', rows: [{ features: { [key]: {} } }] })))
    // `features` is a map or "store": the refusal names the field, never the key.
    expect(error.detail).toBe('invalid field(s) rows.0.features')
    expect(JSON.stringify(error.issues)).not.toContain('Jane')
  })
})

describe('PredictionResult → PredictResponse', () => {
  it('carries labels, explanations with typed values, the request id and the audit ids as int64', () => {
    const res = toPredictResponse({
      model: { name: 'm', version: '1.0.0' },
      requestId: 'r-1',
      auditIds: [7, 8],
      predictions: [
        {
          score: 0.8,
          label: 'high',
          explanation: [
            { feature: 'age', value: 70, contribution: 0.4 },
            { feature: 'bmi', value: null, contribution: 0 },
          ],
        },
        { score: 0.1 },
      ],
    })
    expect(res.auditIds).toEqual([7n, 8n])
    expect(res.predictions![0]!.explanation![0]!.value!.kind).toEqual({ case: 'numberValue', value: 70 })
    expect(res.predictions![0]!.explanation![1]!.value!.kind).toEqual({ case: undefined })
    expect(res.predictions![1]).toEqual({ score: 0.1, explanation: [] })
  })
})
