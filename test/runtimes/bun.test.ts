/** The bun server (examples/bun/main.ts) under the real `bun` binary, through the runtime conformance suite. */
import { bun } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(bun)
