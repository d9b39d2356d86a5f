/**
 * The HL7 v2 feed's Node entry: the MLLP listener needs node:net, which Workers and browsers lack,
 * so it lives here rather than in index.ts (`nexora/plugins/hl7v2/node`).
 */
export { type MllpListener, type MllpListenerOptions, startMllpListener } from './mllp-listener.ts'
