import { describe, expect, it } from 'vitest'
import type { FieldIssue, ModelManifest } from '../../core/index.ts'
import { encodeRow } from '../../plugins/model-onnx/encode.ts'
import { onnxModelPlugin, parseMapping, type OnnxMapping } from '../../plugins/model-onnx/index.ts'
import { shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

type WithOnnx = ModelManifest & { onnx: OnnxMapping }
const shipped = shippedOnnxArtifact()
const base = shipped.manifest as WithOnnx

/** The shipped manifest with its onnx section edited. */
const withOnnx = (edit: (o: Record<string, unknown>) => void): ModelManifest => {
  const onnx = structuredClone(base.onnx) as unknown as Record<string, unknown>
  edit(onnx)
  return { ...base, onnx } as ModelManifest
}
const issuesOf = (manifest: ModelManifest): { code?: string; issues?: FieldIssue[] } => {
  try {
    parseMapping(manifest)
    return {}
  } catch (e) {
    return e as { code: string; issues: FieldIssue[] }
  }
}
const paths = (manifest: ModelManifest) => (issuesOf(manifest).issues ?? []).map((i) => i.path)

describe('the manifest onnx section', () => {
  it('accepts the shipped mapping and fills the defaults', () => {
    const mapping = parseMapping(base)
    expect(mapping.columns).toHaveLength(9)
    expect(mapping.dtype).toBe('float32')
    expect(mapping.explanation).toEqual({ maxExactFeatures: 12, permutations: 64, seed: 1 })
  })

  it('rejects a missing section, unknown keys and wrong types with model.invalid_manifest and field paths', () => {
    expect(issuesOf({ ...base, onnx: undefined } as ModelManifest)).toMatchObject({ code: 'model.invalid_manifest' })
    expect(paths({ ...base, onnx: undefined } as ModelManifest)).toEqual(['onnx'])
    expect(
      paths(
        withOnnx((o) => {
          o.inputs = 'features'
        }),
      ),
    ).toEqual(['onnx'])
    expect(
      paths(
        withOnnx((o) => {
          o.link = 'softmax'
        }),
      ),
    ).toEqual(['onnx.link'])
    expect(
      paths(
        withOnnx((o) => {
          o.outputIndex = -1
        }),
      ),
    ).toEqual(['onnx.outputIndex'])
    expect(
      paths(
        withOnnx((o) => {
          o.columns = []
        }),
      ),
    ).toEqual(['onnx.columns'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.columns as { scale?: number }[])[0]!.scale = 0
        }),
      ),
    ).toEqual(['onnx.columns.0.scale'])
  })

  it('rejects columns that do not fit the inputs', () => {
    expect(
      paths(
        withOnnx((o) => {
          ;(o.columns as { feature: string }[])[0]!.feature = 'weight'
        }),
      ),
    ).toEqual(['onnx.columns.0.feature', 'inputs.age'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.columns as { category?: string }[])[1]!.category = 'X'
        }),
      ),
    ).toEqual(['onnx.columns.1.category'])
    expect(
      paths(
        withOnnx((o) => {
          delete (o.columns as { category?: string }[])[1]!.category
        }),
      ),
    ).toEqual(['onnx.columns.1.category'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.columns as { category?: string }[])[0]!.category = 'F'
        }),
      ),
    ).toEqual(['onnx.columns.0.category'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.columns as unknown[]).push({ feature: 'age' })
        }),
      ),
    ).toEqual(['onnx.columns.9'])
  })

  it('rejects a baseline that misses an input, has the wrong type or names no input', () => {
    expect(
      paths(
        withOnnx((o) => {
          delete (o.baseline as Record<string, unknown>).egfr
        }),
      ),
    ).toEqual(['onnx.baseline.egfr'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.baseline as Record<string, unknown>).sex = 'X'
        }),
      ),
    ).toEqual(['onnx.baseline.sex'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.baseline as Record<string, unknown>).on_anticoagulant = 1
        }),
      ),
    ).toEqual(['onnx.baseline.on_anticoagulant'])
    expect(
      paths(
        withOnnx((o) => {
          ;(o.baseline as Record<string, unknown>).weight = 80
        }),
      ),
    ).toEqual(['onnx.baseline.weight'])
  })

  it('refuses graph input and output names the model does not have, and an output column it lacks', async () => {
    const load = (manifest: ModelManifest) =>
      onnxModelPlugin.load({ manifest, files: shipped.files }).then(
        () => ({}),
        (e: { code: string; issues?: FieldIssue[] }) => e,
      )
    expect(
      await load(
        withOnnx((o) => {
          o.input = 'X'
        }),
      ),
    ).toMatchObject({ code: 'model.invalid_manifest', issues: [{ path: 'onnx.input' }] })
    expect(
      await load(
        withOnnx((o) => {
          o.output = 'Y'
        }),
      ),
    ).toMatchObject({ code: 'model.invalid_manifest', issues: [{ path: 'onnx.output' }] })
    expect(
      await load(
        withOnnx((o) => {
          o.outputIndex = 1
        }),
      ),
    ).toMatchObject({ code: 'model.invalid_manifest', issues: [{ path: 'onnx.outputIndex' }] })
  })

  it('fails at load, not on a patient request, when the columns do not match the graph input width', async () => {
    // Dropping the boolean input and its column leaves a valid mapping of 8 columns for a 9-wide graph.
    const manifest = withOnnx((o) => {
      o.columns = (o.columns as { feature: string }[]).filter((c) => c.feature !== 'on_anticoagulant')
      delete (o.baseline as Record<string, unknown>).on_anticoagulant
    })
    const error = await onnxModelPlugin
      .load({ manifest: { ...manifest, inputs: base.inputs.filter((i) => i.name !== 'on_anticoagulant') }, files: shipped.files })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'model.load_failed' })
  })
})

describe('encoding a row', () => {
  // Three of the inputs, age optional, standardised outside the graph through center and scale.
  const kept = ['age', 'sex', 'on_anticoagulant']
  const mapping = parseMapping({
    ...base,
    inputs: base.inputs.filter((i) => kept.includes(i.name)).map((i) => (i.name === 'age' ? { ...i, required: false } : i)),
    onnx: {
      ...base.onnx,
      columns: [
        { feature: 'age', center: 60, scale: 10 },
        { feature: 'sex', category: 'F' },
        { feature: 'sex', category: 'M' },
        { feature: 'on_anticoagulant' },
      ],
      baseline: { age: 64, sex: 'M', on_anticoagulant: false },
    },
  } as ModelManifest)

  it('one-hot encodes categories, maps booleans to 0/1 and standardises with center and scale', () => {
    expect(Array.from(encodeRow(mapping, { features: { age: 75, sex: 'M', on_anticoagulant: true } }))).toEqual([1.5, 0, 1, 1])
  })

  it('gives a missing optional feature its baseline value', () => {
    expect(Array.from(encodeRow(mapping, { features: { age: null, sex: 'F', on_anticoagulant: false } }))).toEqual([0.4, 1, 0, 0])
  })
})
