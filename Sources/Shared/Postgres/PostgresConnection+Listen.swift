extension PostgresConnection {
    /// Starts receiving `NOTIFY`s of `channel` on `notifications`. The channel name is
    /// quoted, so any name is safe; after a reconnect the connection listens again.
    public func listen(channel: String) async throws {
        try await withSession(operation: "LISTEN") { session in
            try await session.onQueue { try $0.listen(channel) }
        }
    }

    /// Stops receiving `NOTIFY`s of `channel`.
    public func unlisten(channel: String) async throws {
        try await withSession(operation: "UNLISTEN") { session in
            try await session.onQueue { try $0.unlisten(channel) }
        }
    }

    /// Sends a notification (`pg_notify`, so the payload travels as a parameter).
    public func notify(channel: String, payload: String = "") async throws {
        _ = try await query("SELECT pg_notify($1, $2)", [channel, payload])
    }
}
