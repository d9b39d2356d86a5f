import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CORE_ERROR_CODES } from '../core/index.ts'
import { canonicalJson } from '../core/canonical-json.ts'
import { allErrorCodes, pluginsWithErrors } from '../testkit/error-codes.ts'

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

describe('docs stay true', () => {
  it("docs/api.md documents every error code: core's and every plugin's", async () => {
    const api = read('docs/api.md')
    const codes = [...(await allErrorCodes()).keys()]
    expect(pluginsWithErrors().length).toBeGreaterThan(0)
    expect(codes.length).toBeGreaterThan(Object.keys(CORE_ERROR_CODES).length)
    for (const code of codes) expect(api, code).toContain(`\`${code}\``)
  })

  it("the README's curl example matches the demo model's inputs", () => {
    const readme = read('README.md')
    const body = JSON.parse(/-d '(\{.*\})'/.exec(readme)![1]!)
    expect(readme).toContain('-H "authorization: Bearer $(cat data/dev-token)"')
    const manifest = JSON.parse(read('models/readmission-risk/manifest.json'))
    expect(Object.keys(body.rows[0].features).sort()).toEqual(manifest.inputs.map((i: { name: string }) => i.name).sort())
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
})

describe('canonical JSON (RFC 8785) for the audit hash', () => {
  it('sorts keys by UTF-16 code unit at every depth and writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', é: true, '\u20ac': 1, '\r': 2 })).toBe(
      '{"\\r":2,"a":"x","b":[3,{"a":null,"z":1}],"é":true,"€":1}',
    )
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is written past double precision on purpose
    expect(canonicalJson({ n: [1e21, 1e-7, -0, 0.1 + 0.2, 333333333.33333329] })).toBe('{"n":[1e+21,1e-7,0,0.30000000000000004,333333333.3333333]}')
  })

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow()
    expect(() => canonicalJson({ x: () => 1 })).toThrow()
  })
})
