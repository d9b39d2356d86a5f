/** The deno server (examples/deno/main.ts) under the real `deno` binary, through the runtime conformance suite. */
import { deno } from '../../testkit/runtimes.ts'
import { runtimeRunner } from './_runtime-runner.ts'

runtimeRunner(deno)
