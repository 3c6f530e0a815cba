@testable import CRMConnectors
import Testing

/// Permanent errors (fix the mapping, the credentials or a permission, then Start) are
/// told apart from transient ones (retry) by the CRM's own code, then by the status.
@Suite struct CRMErrorPermanenceTests {
    private func remote(_ status: Int, _ code: String?, retriable: Bool = false, system: String = "salesforce") -> CRMError {
        CRMError(system: system, code: CRMError.code(forStatus: status), operation: "query Contact", status: status,
                 remoteCode: code, message: "m", isRetriable: retriable)
    }

    @Test(arguments: ["INVALID_FIELD", "INVALID_TYPE", "MALFORMED_QUERY", "INVALID_QUERY_FILTER_OPERATOR"])
    func salesforceQueryMistakesArePermanent(code: String) {
        #expect(remote(400, code).isPermanent)
    }

    @Test func dynamicsUnknownPropertyAndEntitySetArePermanent() {
        #expect(remote(400, "0x80060888", system: "dynamics").isPermanent)
        #expect(remote(404, "0x8006088a", system: "dynamics").isPermanent)
        #expect(remote(400, nil, system: "dynamics").isPermanent, "a 400 on a query without a code")
    }

    @Test func credentialsRefusedAfterARefreshArePermanent() {
        #expect(CRMError(system: "dynamics", code: .authentication, operation: "token request", status: 401, message: "m").isPermanent)
    }

    @Test func aForbiddenCallIsPermanentButTheDailyAllocationIsNot() {
        #expect(remote(403, "INSUFFICIENT_ACCESS").isPermanent)
        #expect(!remote(403, "REQUEST_LIMIT_EXCEEDED", retriable: true).isPermanent)
        #expect(!remote(403, "REQUEST_LIMIT_EXCEEDED").isPermanent, "by its code, even when not marked retriable")
    }

    @Test func throttlingServerTroubleAndTransportAreTransient() {
        #expect(!remote(429, nil, retriable: true).isPermanent)
        #expect(!remote(503, nil, retriable: true).isPermanent)
        #expect(!remote(500, nil).isPermanent)
        #expect(!remote(408, nil).isPermanent)
        #expect(!CRMError(system: "dynamics", code: .transport, operation: "query contacts", message: "timeout").isPermanent)
        #expect(!CRMError(system: "dynamics", code: .malformedResponse, operation: "query contacts", status: 200, message: "cut").isPermanent)
        #expect(!remote(400, "QUERY_TIMEOUT").isPermanent, "Salesforce's query timeout is worth another try")
    }
}
