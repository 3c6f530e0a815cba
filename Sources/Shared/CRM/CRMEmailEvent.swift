import Foundation

/// One Campaign email event as a CRM receives it (SPEC §2.2): a Dynamics activity in
/// `crmb_email<kind>s`, a Salesforce `CRMB_Email_Event__c`, keyed by the Campaign event
/// id so a re-delivered event updates the record instead of adding one.
public struct CRMEmailEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case send, open, click, bounce
    }

    /// The Campaign event id: Dynamics alternate key `crmb_eventid`, Salesforce external id `CRMB_Event_Id__c`.
    public var eventID: String
    public var kind: Kind
    /// The contact's CRM id (Dynamics `contactid`, Salesforce `Id`).
    public var contactID: String
    public var occurredAt: Date
    public var campaignName: String?
    public var deliveryName: String?
    /// The tracking URL of a click.
    public var url: String?
    public var mirrorURL: String?

    public init(
        eventID: String, kind: Kind, contactID: String, occurredAt: Date, campaignName: String? = nil,
        deliveryName: String? = nil, url: String? = nil, mirrorURL: String? = nil
    ) {
        self.eventID = eventID
        self.kind = kind
        self.contactID = contactID
        self.occurredAt = occurredAt
        self.campaignName = campaignName
        self.deliveryName = deliveryName
        self.url = url
        self.mirrorURL = mirrorURL
    }

    /// The record's subject / name: `<campaign> / <delivery>`, what a CRM user reads in
    /// the timeline; `Email <kind> <event id>` when Campaign named neither.
    public var subject: String {
        let parts = [campaignName, deliveryName].compactMap { $0?.isEmpty == false ? $0 : nil }
        return parts.isEmpty ? "Email \(kind.rawValue) \(eventID)" : parts.joined(separator: " / ")
    }
}
