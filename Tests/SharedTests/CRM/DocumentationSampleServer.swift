@testable import CRMConnectors
import CoreValues
import Foundation
@testable import HTTPBridge
import Logging
import TestSupport

/// The answers Microsoft's and Salesforce's documentation show, transcribed under
/// `Tests/Fixtures/CRMDocumentationSamples/` (README.md there names each source), served
/// by a plain HTTP server, with connectors pointed at it as at a real CRM.
struct DocumentationSampleServer {
    let server: ScriptedHTTPServer
    let http = HTTPClient()
    let logger = Logger(label: "documentation-sample-tests")

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/CRMDocumentationSamples")

    /// Few, quick retries: a sample answer does not change by asking again.
    static let retry = CRMRetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20))

    static func start() async throws -> DocumentationSampleServer {
        DocumentationSampleServer(server: try await ScriptedHTTPServer.start())
    }

    func stop() async {
        http.shutdown()
        await server.stop()
    }

    var baseURL: String { server.baseURL }

    /// A fixture's text with the documentation's placeholders (`[Organization URI]`,
    /// Salesforce's `"instance_url": "instance_url"`) pointing at this server.
    func sample(_ name: String) throws -> String {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        return text
            .replacingOccurrences(of: "[Organization URI]", with: baseURL)
            .replacingOccurrences(of: #""instance_url": "instance_url""#, with: #""instance_url": "\#(baseURL)""#)
    }

    /// A fixture as a JSON reply.
    func reply(_ name: String, status: Int = 200) throws -> ScriptedHTTPServer.Reply {
        .json(try sample(name), status: status)
    }

    /// A multipart fixture with the CRLF line ends the wire format has (the documentation
    /// renders them as plain line breaks).
    func multipartReply(_ name: String, status: Int, boundary: String) throws -> ScriptedHTTPServer.Reply {
        let text = try sample(name).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return ScriptedHTTPServer.Reply(
            status: status, headers: [("Content-Type", "multipart/mixed; boundary=\(boundary)"), ("OData-Version", "4.0")],
            body: Array(text.utf8))
    }

    /// The tenant token path the Dynamics connector is configured with.
    static let tenantTokenPath = "/sample-tenant/oauth2/v2.0/token"

    func dynamics(webAPIVersion: String = "v9.2") -> DynamicsConnector {
        DynamicsConnector(
            configuration: DynamicsConfiguration(
                organizationURL: baseURL, tokenURL: baseURL + Self.tenantTokenPath,
                clientID: "535fb089-9ff3-47b6-9bfb-4f1264799865", clientSecret: Secret("sampleCredentials"),
                webAPIURL: baseURL + "/api/data/\(webAPIVersion)/", retry: Self.retry),
            http: http, logger: logger)
    }

    /// - Parameter deletedRetention: long enough for the samples' 2013 dates.
    func salesforce(deletedRetention: Duration = .seconds(40 * 365 * 86_400)) -> SalesforceConnector {
        SalesforceConnector(
            configuration: SalesforceConfiguration(
                instanceURL: baseURL, clientID: "sample-consumer-key", clientSecret: Secret("sample-consumer-secret"),
                deletedRetention: deletedRetention, updatedRetention: deletedRetention, retry: Self.retry),
            http: http, logger: logger)
    }
}
