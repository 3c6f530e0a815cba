import HTTPBridge
import Hummingbird
import KafkaBridge
import Logging
import PostgresBridge

/// Turns every error of an API route into a JSON `{"error": …}` answer with a fitting
/// status: our own `APIError`s as they are, unknown routes as 404, an unreachable
/// database or Kafka as 503, anything else as 500 (logged, never shown in detail).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try JSONAnswer.response(APIErrorBody(error), status: error.status)
        } catch let error as any HTTPResponseError {
            let message = error.status == .notFound
                ? "no such endpoint: \(request.method.rawValue) \(request.uri.path)"
                : ((error as? Hummingbird.HTTPError)?.body ?? error.status.reasonPhrase)
            return try JSONAnswer.response(APIErrorBody(APIError(status: error.status, message: message)), status: error.status)
        } catch let error as PostgresError {
            logger.error("database error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            let message = "the Campaign database is not available (\(error.code.rawValue)); try again shortly"
            return try JSONAnswer.response(
                APIErrorBody(APIError(status: .serviceUnavailable, message: message)), status: .serviceUnavailable)
        } catch let error as KafkaError {
            logger.error("Kafka error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            let message = "Kafka is not available (\(error.code.name): \(error.message)); try again shortly"
            return try JSONAnswer.response(
                APIErrorBody(APIError(status: .serviceUnavailable, message: message)), status: .serviceUnavailable)
        } catch {
            logger.error("internal error", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try JSONAnswer.response(
                APIErrorBody(APIError(status: .internalServerError, message: "internal error; see the control service log")),
                status: .internalServerError)
        }
    }
}
