import { describe, expect, it } from 'vitest'
import { lazy, serial } from '../../core/index.ts'

describe('lazy', () => {
  it('loads once for concurrent callers and memoizes the result', async () => {
    let calls = 0
    const load = lazy(async () => {
      calls++
      await new Promise((r) => setTimeout(r, 5))
      return { engine: calls }
    })
    const [a, b] = await Promise.all([load(), load()])
    expect(a).toBe(b)
    expect(await load()).toBe(a)
    expect(calls).toBe(1)
  })

  it('evicts a failed load so the next call retries', async () => {
    let calls = 0
    const load = lazy(async () => {
      calls++
      if (calls === 1) throw new Error('network')
      return 'ok'
    })
    await expect(load()).rejects.toThrow('network')
    expect(await load()).toBe('ok')
    expect(calls).toBe(2)
  })
})

describe('serial', () => {
  it('runs tasks one at a time in call order, even after a failure', async () => {
    const run = serial()
    const log: string[] = []
    const task = (name: string, ms: number, fail = false) =>
      run(async () => {
        log.push(`start ${name}`)
        await new Promise((r) => setTimeout(r, ms))
        log.push(`end ${name}`)
        if (fail) throw new Error(name)
        return name
      })
    const results = await Promise.allSettled([task('a', 10), task('b', 1, true), task('c', 1)])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })
})
