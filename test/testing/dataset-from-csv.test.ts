import { describe, expect, it } from 'vitest'
import { datasetFromCsv } from '../../testing/index.ts'

const CSV = 'age,sex,on_anticoagulant,died,days\n71,F,true,1,30\n54,M,false,0,365\n63,F,false,0,200\n'

describe('datasetFromCsv (nexora/testing)', () => {
  it('reads the label, the optional time and every other column as a feature, and infers the inputs', () => {
    const { dataset, inputs } = datasetFromCsv(CSV, { target: 'died', time: 'days' })
    expect(dataset.labels).toEqual([1, 0, 0])
    expect(dataset.times).toEqual([30, 365, 200])
    expect(dataset.rows[0]).toEqual({ features: { age: 71, sex: 'F', on_anticoagulant: true } })
    expect(inputs).toEqual([
      { name: 'age', type: 'number' },
      { name: 'sex', type: 'category', categories: ['F', 'M'] },
      { name: 'on_anticoagulant', type: 'boolean' },
    ])
    expect(datasetFromCsv(CSV, { target: 'died' }).dataset).not.toHaveProperty('times')
  })

  it('refuses a missing column, an empty file and a non-binary label with request.invalid, naming columns and never values', () => {
    expect(() => datasetFromCsv(CSV, { target: 'nope' })).toThrow(expect.objectContaining({ code: 'request.invalid', detail: 'no column "nope"' }))
    expect(() => datasetFromCsv(CSV, { target: 'died', time: 'when' })).toThrow(expect.objectContaining({ detail: 'no column "when"' }))
    expect(() => datasetFromCsv('age,died\n', { target: 'died' })).toThrow(expect.objectContaining({ detail: 'the CSV has no rows' }))
    const error = (() => {
      try {
        datasetFromCsv(CSV, { target: 'age' })
      } catch (e) {
        return e as Error & { detail?: string }
      }
    })()
    expect(error?.detail).toBe('"age" must be 0 or 1 in every row')
    expect(JSON.stringify(error)).not.toMatch(/71|54|63/)
  })
})
