import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CORE_ERROR_CODES, defineErrorCodes, errorCodes, errorInfo, NexoraError, type ErrorCode } from '../../core/index.ts'
import { allErrorCodes } from '../../testkit/error-codes.ts'

const PLUGINS = new URL('../../plugins/', import.meta.url)

/** Every plugin source file with the plugin codes it raises (`new NexoraError('cds.…'`), core's codes left out. */
function raisers(): { file: string; codes: string[] }[] {
  const found: { file: string; codes: string[] }[] = []
  const walk = (dir: URL, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir), `${rel}${entry.name}/`)
      else if (/\.tsx?$/.test(entry.name) && entry.name !== 'errors.ts') {
        const text = readFileSync(new URL(entry.name, dir), 'utf8')
        const codes = [...text.matchAll(/new NexoraError\(\s*'([a-z_.]+)'/g)].map((m) => m[1]!).filter((c) => !(c in CORE_ERROR_CODES))
        if (codes.length > 0) found.push({ file: `${rel}${entry.name}`, codes: [...new Set(codes)] })
      }
    }
  }
  walk(PLUGINS, '')
  return found
}

describe('error codes: core keeps its own, plugins register theirs', () => {
  it('answers a registered code with its status and title', () => {
    expect(errorInfo('model.not_found')).toEqual({ status: 404, title: 'No such model' })
    expect(new NexoraError('rate.limited').status).toBe(429)
  })

  it('fails loudly, where the error is raised, for a code nobody registered', () => {
    expect(() => new NexoraError('nobody.registered' as ErrorCode)).toThrow(/error code "nobody.registered" is not registered/)
    expect(errorCodes().has('nobody.registered' as ErrorCode)).toBe(false)
  })

  it('takes the same definition twice, and refuses a clash, a bare name or a status that is not an error', () => {
    const codes = { 'test.twice': { status: 418, title: 'Twice' } }
    expect(defineErrorCodes(codes)).toBe(codes)
    expect(() => defineErrorCodes({ 'test.twice': { status: 418, title: 'Twice' } })).not.toThrow()
    const clash = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return e
      }
    }
    expect(clash(() => defineErrorCodes({ 'test.twice': { status: 400, title: 'Twice' } }))).toMatchObject({
      code: 'plugin.invalid',
      detail: expect.stringContaining('"test.twice"'),
    })
    expect(clash(() => defineErrorCodes({ 'model.not_found': { status: 400, title: 'Mine now' } }))).toMatchObject({ code: 'plugin.invalid' })
    expect(clash(() => defineErrorCodes({ bare: { status: 400, title: 'x' } }))).toMatchObject({
      code: 'plugin.invalid',
      detail: expect.stringContaining('namespace.name'),
    })
    expect(clash(() => defineErrorCodes({ 'test.ok': { status: 200, title: 'x' } }))).toMatchObject({
      code: 'plugin.invalid',
      detail: expect.stringContaining('4xx or 5xx'),
    })
    expect(errorInfo('test.twice' as ErrorCode).status).toBe(418)
  })

  it('keeps plugin codes out of core: the plugins that raise them declare them', async () => {
    const all = await allErrorCodes()
    for (const code of ['cds.prefetch_missing', 'cds.fhir_server_refused', 'phi.detected', 'monitoring.no_reference', 'patient.deceased', 'model.unloaded']) {
      expect(code in CORE_ERROR_CODES, code).toBe(false)
      expect(all.has(code as ErrorCode), code).toBe(true)
    }
  })

  it('registers a plugin code wherever a module that raises it is loaded: the module imports the errors.ts that declares it', async () => {
    const files = raisers()
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['cds-hooks/gather.ts', 'compliance/phi-guard.ts', 'etl/deceased.ts']))
    for (const { file, codes } of files) {
      const url = new URL(file, PLUGINS)
      // The module's own imports of an errors.ts: evaluating the module evaluates them first, so its codes exist.
      const specifiers = [...readFileSync(url, 'utf8').matchAll(/^import (?:[^'\n]* from )?'(\.[^']*\/errors\.ts)'/gm)].map((m) => m[1]!)
      const declared = new Set<string>()
      for (const specifier of specifiers) {
        for (const table of Object.values(await import(new URL(specifier, url).href))) Object.keys(table as object).forEach((c) => declared.add(c))
      }
      for (const code of codes) expect(declared.has(code), `${file} raises ${code}`).toBe(true)
    }
  })
})
