/** The deno server (examples/deno/main.ts) under the real `deno` binary, through the runtime conformance suite. */
import { expect, it } from 'vitest'
import { deno, RUNTIMES } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(deno)

it('is one of the runtimes the latency benchmark measures', () => {
  expect(RUNTIMES).toContain(deno)
})
