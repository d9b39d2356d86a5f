import { describe, expect, it } from 'vitest'
import { NexoraError, type FeatureDef } from '../../core/index.ts'
import { decodeTensor } from '../../plugins/oip/tensors.ts'
import { tensorsToRows } from '../../plugins/oip/tensors-to-rows.ts'
import type { RequestInput } from '../../plugins/oip/types.ts'

const t = (datatype: string, shape: number[], data: unknown[], name = 'x'): RequestInput => ({ name, datatype, shape, data })
const rejects = (input: RequestInput): string => {
  try {
    decodeTensor(input, 0)
  } catch (error) {
    expect(error).toBeInstanceOf(NexoraError)
    expect((error as NexoraError).code).toBe('request.invalid')
    return (error as NexoraError).detail!
  }
  throw new Error('expected a rejection')
}

describe('decodeTensor: datatypes', () => {
  it('accepts each integer type within its range and refuses one past it', () => {
    const ranges: [string, number, number][] = [
      ['INT8', -128, 127],
      ['INT16', -32768, 32767],
      ['INT32', -2147483648, 2147483647],
      ['UINT8', 0, 255],
      ['UINT16', 0, 65535],
      ['UINT32', 0, 4294967295],
      ['INT64', -(2 ** 53 - 1), 2 ** 53 - 1],
      ['UINT64', 0, 2 ** 53 - 1],
    ]
    for (const [type, min, max] of ranges) {
      expect(decodeTensor(t(type, [2], [min, max]), 0).values, type).toEqual([min, max])
      expect(rejects(t(type, [1], [max + (type.endsWith('64') ? 2 : 1)])), type).toContain(`element 0 is not a valid ${type}`)
      expect(rejects(t(type, [1], [min - (type.endsWith('64') ? 2 : 1)])), type).toContain(type)
    }
    expect(rejects(t('INT32', [2], [1, 2.5]))).toContain('element 1 is not a valid INT32')
  })

  it('rounds FP32 to single precision, keeps FP64 exact, and refuses non-finite or out-of-range floats', () => {
    expect(decodeTensor(t('FP32', [1], [0.1]), 0).values).toEqual([Math.fround(0.1)])
    expect(decodeTensor(t('FP64', [1], [0.1]), 0).values).toEqual([0.1])
    expect(rejects(t('FP32', [1], [1e39]))).toContain('FP32')
    expect(rejects(t('FP64', [1], ['1.5']))).toContain('FP64')
  })

  it('takes BOOL as JSON booleans and BYTES as strings, nothing else', () => {
    expect(decodeTensor(t('BOOL', [2], [true, false]), 0).values).toEqual([true, false])
    expect(rejects(t('BOOL', [1], [1]))).toContain('BOOL')
    expect(decodeTensor(t('BYTES', [1], ['M']), 0).values).toEqual(['M'])
    expect(rejects(t('BYTES', [1], [7]))).toContain('BYTES')
  })

  it('refuses FP16, unknown datatypes and binary data with a reason', () => {
    expect(rejects(t('FP16', [1], [1]))).toContain('FP16 is not supported')
    expect(rejects(t('FP8', [1], [1]))).toContain('not a protocol datatype')
    expect(rejects({ ...t('FP32', [1], [1]), parameters: { binary_data_size: 4 } })).toContain('binary tensor data is not supported')
  })

  it('never echoes a value, and shows a client name only if it looks like a tensor name', () => {
    const detail = rejects(t('BYTES', [1], [12345], 'Jane Doe 1970-01-01'))
    expect(detail).not.toContain('12345')
    expect(detail).not.toContain('Jane')
    expect(detail).toContain('<unprintable>')
  })
})

describe('decodeTensor: shape and data', () => {
  it('flattens nested data row-major and accepts flat data as is', () => {
    expect(
      decodeTensor(
        t(
          'INT32',
          [2, 3],
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ),
        0,
      ).values,
    ).toEqual([1, 2, 3, 4, 5, 6])
    expect(decodeTensor(t('INT32', [2, 1, 2], [[[1, 2]], [[3, 4]]]), 0).values).toEqual([1, 2, 3, 4])
    expect(decodeTensor(t('INT32', [2, 3], [1, 2, 3, 4, 5, 6]), 0).values).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('rejects data whose element count or nesting does not match the shape', () => {
    expect(rejects(t('INT32', [2, 2], [1, 2, 3]))).toContain('shape [2,2] needs 4 elements, data has 3')
    expect(rejects(t('INT32', [2, 2], [[1, 2], [3]]))).toContain('does not match the shape at dimension 1')
    expect(
      rejects(
        t(
          'INT32',
          [4],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      ),
    ).toContain('does not match the shape at dimension 0')
    expect(rejects(t('INT32', [2], [[[1]], [[2]]]))).toContain('nested deeper than the shape')
    expect(rejects(t('INT32', [], []))).toContain('non-negative integers')
    expect(rejects(t('INT32', [-1], []))).toContain('non-negative integers')
  })
})

const defs: FeatureDef[] = [
  { name: 'age', type: 'number' },
  { name: 'smoker', type: 'boolean', required: false },
  { name: 'sex', type: 'category', categories: ['F', 'M'], required: false },
]
const rows = (inputs: RequestInput[], sequence = false, patientRef?: string) =>
  tensorsToRows(
    inputs.map((i, n) => decodeTensor(i, n)),
    defs,
    sequence,
    patientRef,
  )
const rowsFail = (inputs: RequestInput[], sequence = false) => {
  try {
    rows(inputs, sequence)
  } catch (error) {
    expect((error as NexoraError).code).toBe('request.invalid')
    return (error as NexoraError).detail!
  }
  throw new Error('expected a rejection')
}

describe('tensorsToRows: the two layouts', () => {
  it('maps one tensor per feature, [batch] or [batch, 1], by name', () => {
    expect(rows([t('INT64', [2, 1], [[70], [30]], 'age'), t('BOOL', [2], [true, false], 'smoker'), t('BYTES', [2], ['F', 'M'], 'sex')])).toEqual([
      { features: { age: 70, smoker: true, sex: 'F' } },
      { features: { age: 30, smoker: false, sex: 'M' } },
    ])
  })

  it('maps one packed [batch, n] tensor by manifest order: booleans as 0/1, categories by index', () => {
    expect(
      rows([
        t(
          'FP64',
          [2, 3],
          [
            [70, 1, 1],
            [30, 0, 0],
          ],
          'input-0',
        ),
      ]),
    ).toEqual([{ features: { age: 70, smoker: true, sex: 'M' } }, { features: { age: 30, smoker: false, sex: 'F' } }])
  })

  it('leaves out a feature whose element is null, and gives every row the patient reference', () => {
    expect(rows([t('FP64', [2], [70, 30], 'age'), t('BOOL', [2], [null, true], 'smoker')], false, 'Patient/1')).toEqual([
      { patientRef: 'Patient/1', features: { age: 70 } },
      { patientRef: 'Patient/1', features: { age: 30, smoker: true } },
    ])
  })

  it('refuses what cannot be a feature: wrong kinds, out-of-range category indexes, bad shapes, disagreeing batches', () => {
    expect(rowsFail([t('BYTES', [1], ['70'], 'age')])).toContain('cannot be feature "age" (a number')
    expect(rowsFail([t('FP64', [1], [0.5], 'smoker')])).toContain('a boolean')
    expect(rowsFail([t('INT32', [1], [2], 'sex')])).toContain('a category')
    expect(rowsFail([t('FP64', [1, 2], [1, 2], 'age')])).toContain('[batch] or [batch, 1]')
    expect(rowsFail([t('FP64', [2], [1, 2], 'age'), t('BOOL', [3], [true, true, false], 'smoker')])).toContain('disagree on the batch size')
    expect(rowsFail([t('FP64', [1], [1], 'age'), t('FP64', [1], [1], 'age')])).toContain('appears twice')
  })

  it('refuses an unknown tensor beside named ones, and a packed tensor of the wrong width', () => {
    expect(rowsFail([t('FP64', [1], [1], 'age'), t('FP64', [1], [1], 'weight')])).toContain('"weight" is not an input of this model')
    expect(rowsFail([t('FP64', [1, 2], [1, 2], 'input-0')])).toContain('nor a packed [batch, 3] tensor')
  })
})

describe('tensorsToRows: sequences', () => {
  const events = [{ code: 'ICD10:I50', time: '2025-01-02T00:00:00Z', value: 1 }]
  it('parses one JSON array of events per row for sequence models', () => {
    expect(rows([t('FP64', [2], [80, 60], 'age'), t('BYTES', [2], [JSON.stringify(events), '[]'], 'sequence')], true)).toEqual([
      { features: { age: 80 }, sequence: events },
      { features: { age: 60 }, sequence: [] },
    ])
  })

  it('refuses a sequence that is not JSON events, and a sequence for a model without one', () => {
    expect(rowsFail([t('FP64', [1], [80], 'age'), t('BYTES', [1], ['{"code":1}'], 'sequence')], true)).toContain('is not a JSON array of at most 4096 events')
    expect(rowsFail([t('FP64', [1], [80], 'age'), t('BYTES', [1], ['[]'], 'sequence')], false)).toContain('"sequence" is not an input of this model')
  })
})
