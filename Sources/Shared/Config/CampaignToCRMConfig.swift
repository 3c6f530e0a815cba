/// The campaign-to-crm workflow (SPEC §2.2): email events, exports and deletes to the CRM.
public struct CampaignToCRMConfig: Sendable, Equatable {
    public var emailEvents: EmailEvents
    public var exports: [ExportConfig]
    public var deletes: [CRMDeleteConfig]

    public init(emailEvents: EmailEvents = EmailEvents(), exports: [ExportConfig] = [],
                deletes: [CRMDeleteConfig] = []) {
        self.emailEvents = emailEvents
        self.exports = exports
        self.deletes = deletes
    }

    /// Email marketing events from Campaign's `email_events` table to CRM activities.
    public struct EmailEvents: Sendable, Equatable {
        /// Default false.
        public var enabled: Bool
        /// Which event types are sent; all true by default.
        public var types: Types
        /// Only hard bounces become bounce activities; default true.
        public var hardBouncesOnly: Bool
        /// The source table; default `email_events`.
        public var table: String
        /// Time between polls of the table; default 10s.
        public var interval: Duration
        /// Events per CRM write batch; default 100.
        public var batchSize: Int
        /// How long the read horizon may be held back by a transaction still in flight
        /// (while committed events wait behind it) before the reader reports it in the
        /// workflow's status; default 5 minutes.
        public var horizonWarningAfter: Duration

        public init(enabled: Bool = false, types: Types = Types(), hardBouncesOnly: Bool = true,
                    table: String = "email_events", interval: Duration = .seconds(10), batchSize: Int = 100,
                    horizonWarningAfter: Duration = .seconds(300)) {
            self.enabled = enabled
            self.types = types
            self.hardBouncesOnly = hardBouncesOnly
            self.table = table
            self.interval = interval
            self.batchSize = batchSize
            self.horizonWarningAfter = horizonWarningAfter
        }

        public struct Types: Sendable, Equatable {
            public var send: Bool
            public var open: Bool
            public var click: Bool
            public var bounce: Bool

            public init(send: Bool = true, open: Bool = true, click: Bool = true, bounce: Bool = true) {
                self.send = send
                self.open = open
                self.click = click
                self.bounce = bounce
            }

            /// The enabled `event_type` values, in the table's spelling.
            public var enabledTypes: [String] {
                [("send", send), ("open", open), ("click", click), ("bounce", bounce)].filter(\.1).map(\.0)
            }
        }
    }
}
