/** The node server (examples/node-server/main.ts) under the real `node` binary, through the runtime conformance suite. */
import { expect, it } from 'vitest'
import { node, RUNTIMES } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(node)

it('is one of the runtimes the latency benchmark measures', () => {
  expect(RUNTIMES).toContain(node)
})
