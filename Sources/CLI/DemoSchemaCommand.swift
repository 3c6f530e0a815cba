import ArgumentParser
import Campaign
import CoreValues
import Foundation
import Logging

/// `crmbridge demo-schema`: creates the demo's Campaign tables (`profiles`,
/// `email_events`, `memberships`) for `make run` and demos. A customer's Campaign has
/// its own tables, so no service creates these.
struct DemoSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-schema",
        abstract: "Create the demo Campaign tables (profiles, email_events, memberships) if missing.")

    @Option(name: .customLong("database-url"), help: "The Campaign database (default: $CAMPAIGN_DATABASE_URL).")
    var databaseURL: String?

    func run() async throws {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["CAMPAIGN_DATABASE_URL"] else {
            throw ValidationError("give --database-url or set CAMPAIGN_DATABASE_URL")
        }
        try await CampaignDemoSchema.create(databaseURL: Secret(url), logger: Logger(label: "crmbridge.demo-schema"))
        print("demo Campaign tables are in place")
    }
}
