import { describe, expect, it } from 'vitest'
import { pickMetrics, tagMetrics } from '../../core/index.ts'

describe('metric tags: heldout_* and insample_*', () => {
  it('tags a plain evaluation and picks one tag back out, leaving the other tag and bare keys behind', () => {
    expect(tagMetrics('insample', { auroc: 0.75, n: 3200 })).toEqual({ insample_auroc: 0.75, insample_n: 3200 })
    expect(tagMetrics('heldout', null)).toEqual({})
    const manifest = { heldout_auroc: 0.73, heldout_auroc_sd: 0.01, insample_auroc: 0.75, auroc: 0.9, heldoutish: 1 }
    expect(pickMetrics('heldout', manifest)).toEqual({ auroc: 0.73, auroc_sd: 0.01 })
    expect(pickMetrics('insample', manifest)).toEqual({ auroc: 0.75 })
    expect(pickMetrics('heldout', undefined)).toEqual({})
  })
})
