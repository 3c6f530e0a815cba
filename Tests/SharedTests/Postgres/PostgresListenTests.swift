import CoreValues
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresListenTests {
    @Test func aNotifyReachesTheListenerWithItsChannelAndPayload() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let listener = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let sender = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let channel = "odd \"channel\" name"
        try await listener.listen(channel: channel)

        try await sender.notify(channel: channel, payload: "hello 'world' \\ ✓")
        try await sender.notify(channel: "someone-else", payload: "not for us")
        try await sender.execute("NOTIFY \(PostgresIdentifier.quote(channel)), 'second'")

        // Nobody calls the listener: the socket watcher delivers while it is idle.
        let received = try await TestPostgres.withDeadline(.seconds(10)) {
            var received: [PostgresNotification] = []
            for await notification in listener.notifications {
                received.append(notification)
                if received.count == 2 { break }
            }
            return received
        }
        #expect(received.map(\.channel) == [channel, channel])
        #expect(received.map(\.payload) == ["hello 'world' \\ ✓", "second"])
        #expect(received[0].backendPID == (try await sender.backendPID()))

        try await listener.unlisten(channel: channel)
        await sender.close()
        await listener.close()
    }

    @Test func closingTheConnectionFinishesTheNotificationStream() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let listener = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        try await listener.listen(channel: "c")
        await listener.close()
        let next = try await TestPostgres.withDeadline(.seconds(10)) {
            for await notification in listener.notifications { return Optional(notification) }
            return nil
        }
        #expect(next == nil)
    }
}
