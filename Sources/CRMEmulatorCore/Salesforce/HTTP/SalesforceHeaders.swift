import HTTPTypes

/// The header names Salesforce adds to HTTP. They are valid field-name tokens,
/// the only input on which `HTTPField.Name(_:)` fails.
enum SalesforceHeaders {
    static let limitInfo = HTTPField.Name("Sforce-Limit-Info")!
    static let queryOptions = HTTPField.Name("Sforce-Query-Options")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
