/**
 * A plain @grpc/grpc-js client built from the committed .proto files, the way a third party
 * would call Nexora (no generated TypeScript, no connect code).
 */
import * as grpc from '@grpc/grpc-js'
import * as loader from '@grpc/proto-loader'

const root = new URL('../proto/', import.meta.url).pathname

export interface GrpcJsResult<T = Record<string, any>> {
  response?: T
  error?: { code: number; details: string; metadata: Record<string, unknown> }
}

/** Both services' clients on `url` (`http://host:port`), with a unary call helper. */
export function grpcJsClients(url: string) {
  const definition = loader.loadSync(['inference/grpc_predict_v2.proto', 'nexora/v1/prediction.proto'], {
    includeDirs: [root],
    keepCase: true,
    defaults: true,
    longs: Number,
    oneofs: true,
  })
  const pkg = grpc.loadPackageDefinition(definition) as any
  const target = url.replace(/^http:\/\//, '')
  const inference = new pkg.inference.GRPCInferenceService(target, grpc.credentials.createInsecure())
  const prediction = new pkg.nexora.v1.PredictionService(target, grpc.credentials.createInsecure())

  function call<T = Record<string, any>>(client: any, method: string, request: object, headers: Record<string, string> = {}): Promise<GrpcJsResult<T>> {
    const metadata = new grpc.Metadata()
    for (const [name, value] of Object.entries(headers)) metadata.set(name, value)
    return new Promise((resolve) => {
      client[method](request, metadata, (error: grpc.ServiceError | null, response: T) => {
        resolve(error ? { error: { code: error.code, details: error.details, metadata: error.metadata.getMap() } } : { response })
      })
    })
  }

  return {
    infer: <T = Record<string, any>>(method: string, request: object, headers?: Record<string, string>) => call<T>(inference, method, request, headers),
    predict: <T = Record<string, any>>(request: object, headers?: Record<string, string>) => call<T>(prediction, 'Predict', request, headers),
    close() {
      inference.close()
      prediction.close()
    },
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
