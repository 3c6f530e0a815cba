import CoreValues
import Logging

extension PostgresConnection {
    /// Connects, runs `body` with the connection, and closes it on every path: when `body`
    /// returns, throws, or is cancelled. For a role's connection, whose lifetime is one scope.
    public static func withConnection<T>(
        configuration: PostgresConfiguration, logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(configuration: configuration, logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return result
    }

    /// `withConnection(configuration:logger:_:)` with the default configuration for `url`.
    public static func withConnection<T>(
        url: Secret, logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(configuration: PostgresConfiguration(url: url), logger: logger, body)
    }
}
