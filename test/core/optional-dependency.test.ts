import { describe, expect, it } from 'vitest'
import { createNexora, definePlugin, importOptional, memoryAuditSink, NexoraError } from '../../core/index.ts'

// A specifier in a variable: the type checker must not try to resolve it.
const missing = 'nexora-test-no-such-package'
const expectCode = async (promise: Promise<unknown>, code: string) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(NexoraError)
  expect((error as NexoraError).code).toBe(code)
  return error as NexoraError
}

describe('importOptional (optional peer dependencies)', () => {
  it('turns a missing package into dependency.missing, naming it and the install command', async () => {
    const error = await expectCode(
      importOptional(missing, () => import(missing), 'Test models'),
      'dependency.missing',
    )
    expect(error.status).toBe(500)
    expect(error.detail).toBe(`Test models: the package "${missing}" is not installed (npm install ${missing})`)
  })

  it('names every package of a set that goes together in one install line', async () => {
    const error = await expectCode(
      importOptional([missing, 'pg'], () => import(missing), 'SQL storage'),
      'dependency.missing',
    )
    expect(error.detail).toBe(`SQL storage: it needs the packages "${missing}" and "pg" (npm install ${missing} pg)`)
  })

  it('passes through a missing module that is not the named package, and any other failure', async () => {
    const other = await importOptional('onnxruntime-web', () => import(missing), 'x').catch((e: unknown) => e)
    expect(other).not.toBeInstanceOf(NexoraError)
    const broken = new Error('wasm failed to start')
    await expect(importOptional(missing, () => Promise.reject(broken), 'x')).rejects.toBe(broken)
  })

  it('returns the module when it is installed', async () => {
    const semver = await importOptional('semver', () => import('semver'), 'x')
    expect(semver.default.valid('1.2.3')).toBe('1.2.3')
  })

  it('reaches createNexora unwrapped when the only provider of a port lacks its package', async () => {
    const store = definePlugin({
      name: 'needs-a-package',
      provides: 'modelStore',
      setup: async () => importOptional(missing, () => import(missing), 'Test storage'),
    })
    const audit = definePlugin({ name: 'memory-audit', provides: 'auditSink', setup: () => memoryAuditSink() })
    const error = await expectCode(createNexora({ plugins: [store, audit] }), 'dependency.missing')
    expect(error.detail).toContain(`npm install ${missing}`)
  })
})
