/**
 * Issue 14: docs/feature-specs.md left out `codes`, the field every shipped spec uses. Each
 * field table in the docs is checked against the zod schema it documents, both ways: every key
 * the schema accepts is a row, and every row is a key the schema accepts. A nested object is
 * documented by its fields (`unit.expect`, …).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { FeatureSchema, FeatureSpecSchema, SequenceSchema } from '../../plugins/etl/spec.ts'

const doc = readFileSync(new URL('../../docs/feature-specs.md', import.meta.url), 'utf8')

/** The field names in the first column of the table under a `### heading` (up to the first blank line after it). */
function documented(heading: string): string[] {
  const at = doc.indexOf(`\n### ${heading}\n`)
  if (at < 0) throw new Error(`docs/feature-specs.md has no "### ${heading}" section`)
  const lines = doc.slice(at).split('\n').slice(2)
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')))
  const rows = table
    .slice(
      0,
      table.findIndex((l) => !l.startsWith('|')),
    )
    .slice(2)
  return rows.map((row) => /^\|\s*`([^`]+)`\s*\|/.exec(row)?.[1] ?? `unparsed row: ${row}`)
}

type Shape = Record<string, z.ZodType>
/** The object inside optional/default/nullable wrappers, if it is one. */
function objectShape(schema: z.ZodType): Shape | undefined {
  let s = schema as { def: { type: string; innerType?: z.ZodType }; shape?: Shape }
  while (s.def.innerType) s = s.def.innerType as never
  return s.def.type === 'object' ? s.shape : undefined
}

/** Every field path a set of object schemas accepts: `unit` becomes `unit.path`, `unit.expect`, `unit.convert`. */
function fieldPaths(shapes: Shape[], nest: string[] = []): string[] {
  const paths = new Set<string>()
  for (const shape of shapes) {
    for (const [key, schema] of Object.entries(shape)) {
      const inner = nest.includes(key) ? objectShape(schema) : undefined
      if (inner) for (const sub of Object.keys(inner)) paths.add(`${key}.${sub}`)
      else paths.add(key)
    }
  }
  return [...paths].sort()
}

const variants = (FeatureSchema as unknown as { options: { shape: Shape }[] }).options.map((o) => o.shape)
const resource = variants.filter((s) => 'resourceType' in s)
const others = variants.filter((s) => !('resourceType' in s))

describe('docs/feature-specs.md documents every field of the feature-spec schema, and only those', () => {
  it.each([
    ['The spec', [FeatureSpecSchema.shape as Shape], []],
    ['Resource features', resource, ['unit']],
    ['Age, sex and comorbidity features', others, []],
    ['Sequence', [SequenceSchema.shape as Shape], []],
  ] as const)('"%s"', (heading, shapes, nest) => {
    expect(documented(heading).sort()).toEqual(fieldPaths([...shapes], [...nest]))
  })

  it('documents codes, the field the shipped specs select resources with', () => {
    expect(documented('Resource features')).toContain('codes')
    const shipped = JSON.parse(readFileSync(new URL('../../models/readmission-fhir/feature-spec.json', import.meta.url), 'utf8')) as {
      features: Record<string, unknown>[]
    }
    const used = new Set(
      shipped.features.flatMap((f) => Object.keys(f).flatMap((k) => (k === 'unit' ? Object.keys(f.unit as object).map((u) => `unit.${u}`) : [k]))),
    )
    const all = new Set([...documented('Resource features'), ...documented('Age, sex and comorbidity features')])
    expect([...used].filter((k) => !all.has(k))).toEqual([])
  })
})
