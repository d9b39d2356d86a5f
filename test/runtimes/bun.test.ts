/** The bun server (examples/bun/main.ts) under the real `bun` binary, through the runtime conformance suite. */
import { expect, it } from 'vitest'
import { bun, RUNTIMES } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(bun)

it('is one of the runtimes the latency benchmark measures', () => {
  expect(RUNTIMES).toContain(bun)
})
