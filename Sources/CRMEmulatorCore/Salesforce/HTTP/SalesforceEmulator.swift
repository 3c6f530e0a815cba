import CoreValues
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `SalesforceEmulator` (`name` = `salesforce`) serves the Salesforce REST API of one
/// in-memory org, following `reference/salesforce-rest-api.md`: a connector talks to it
/// exactly as to a real org, changing only the instance URL and the credentials.
///
/// ## What it serves
///
/// | Path | Behaviour |
/// |---|---|
/// | `POST /services/oauth2/token` | `client_credentials` (form body or HTTP Basic; demo `crmbridge-demo` / `demo-secret`) and the JWT bearer grant (`iss` = client id, `exp` in the future; the RS256 signature is not checked). Answer `access_token`, `instance_url` (the `Host` the request came to), `id`, `token_type`, `issued_at`, `signature` — no `expires_in`. Errors 400 `{"error","error_description"}`: `invalid_client_id`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`. |
/// | `GET /services/data/` | API versions (no session). Versions v31.0–v62.0 are served (`apiVersions`). |
/// | `GET …/query?q=`, `…/queryAll?q=` | SOQL subset below. Pages of `Sforce-Query-Options: batchSize=N` (clamped to 200…2000, default 2000); `nextRecordsUrl` = `/services/data/vNN.N/query/<cursor>-<offset>` (`queryAll/…` for queryAll). `queryAll` includes deleted rows (`IsDeleted: true`). |
/// | `GET …/query/<cursor>-<offset>` | Next page. Unknown or expired cursors: 400 `INVALID_QUERY_LOCATOR`. 10 cursors stay open (least recently used goes first, finished ones before unfinished), 15 minutes idle. |
/// | `GET …/sobjects`, `…/sobjects/<O>`, `…/sobjects/<O>/describe` | Object list and field metadata (`type`, `length`, `nillable`, `createable`, `updateable`, `externalId`, `unique`, `referenceTo`). |
/// | `POST …/sobjects/<O>/` | 201 `{"id","success":true,"errors":[]}`. |
/// | `GET|PATCH|DELETE …/sobjects/<O>/<id>` | Record (`?fields=`), update 204, soft delete 204. Deleted: 404 `ENTITY_IS_DELETED`; unknown: 404 `NOT_FOUND`. |
/// | `GET|PATCH|DELETE …/sobjects/<O>/<ExtField>/<value>` | Upsert: 201 `created:true`, or 200 `{"id",…,"created":false}` (v46.0+ behaviour). `Id` works as the field. |
/// | `POST|PATCH|DELETE …/composite/sobjects`, `PATCH …/composite/sobjects/<O>/<ExtField>` | sObject Collections, ≤ 200 records (else 400 `EXCEEDED_ID_LIMIT`), `allOrNone`, one result per record in request order, per-record errors with `statusCode`; rolled-back records report `ALL_OR_NONE_OPERATION_ROLLED_BACK`. |
/// | `GET …/sobjects/<O>/updated/?start=&end=`, `…/deleted/?start=&end=` | `{"ids","latestDateCovered"}` and `{"deletedRecords","earliestDateAvailable","latestDateCovered"}`. |
/// | `GET …/limits` | `DailyApiRequests.Max/Remaining`. |
///
/// Every `/services/data` answer carries `Sforce-Limit-Info: api-usage=N/M`. Calls with a
/// live session count; once the daily allocation (default 100,000, rolling 24 h) is spent:
/// 403 `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`.
/// No session or an expired one: 401 `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`.
///
/// ### SOQL subset
/// `SELECT f1, f2 | COUNT() FROM Object [WHERE …] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n≤2000]`.
/// WHERE: `AND` / `OR` (not mixed at one level without parentheses, as on the platform),
/// `NOT`, parentheses, `= != <> < <= > >=`, `= null` / `!= null`, `LIKE` (`%`, `_`, `\%`,
/// `\_`; case-insensitive), `[NOT] IN (…)`; literals: strings with `\'` `\\` `\n` … `\uXXXX`,
/// unquoted datetimes (`2024-01-01T00:00:00Z`, `…00.000+01:00`), dates (`2024-01-01`),
/// `TODAY`, `YESTERDAY`, `TOMORROW`, `LAST_N_DAYS:n`, `NEXT_N_DAYS:n`, numbers, `true`/`false`.
/// Text compares case-insensitively; a null value is `!=` any literal. Ids compare (and
/// order) exactly; 15-character ids are accepted. Errors: `MALFORMED_QUERY`, `INVALID_FIELD`
/// (unknown field, or a literal of the wrong type, e.g. a quoted datetime), `INVALID_TYPE`
/// (unknown object), `INVALID_QUERY_FILTER_OPERATOR`; messages carry the platform's
/// `ERROR at Row:1:Column:n` location. Without ORDER BY rows come in creation order.
///
/// ### Objects
/// Contact `003`, Account `001`, Lead `00Q`, Opportunity `006`, `CRMB_Membership__c` `a01`
/// (the demo custom entity, external id `CRMB_Membership_Number__c`) and `CRMB_Email_Event__c`
/// `a02` (`CRMB_Type__c` required, `CRMB_Contact__c`, `CRMB_Campaign_Name__c`,
/// `CRMB_Delivery_Name__c`, `CRMB_Event_Date__c`, `CRMB_URL__c`, `CRMB_Mirror_URL__c`,
/// external id `CRMB_Event_Id__c`). Standard objects carry `CRMB_External_Id__c` as an
/// external id. All have `Id`, `IsDeleted`, `CreatedDate`, `LastModifiedDate`, `SystemModstamp`.
/// Datetimes have second precision, as on the platform, so equal timestamps are common.
///
/// ### Per-record checks (rejects)
/// In this order: unknown field / wrong JSON type (whole request: `INVALID_FIELD`,
/// `JSON_PARSER_ERROR`), read-only field `INVALID_FIELD_FOR_INSERT_UPDATE`, `STRING_TOO_LONG`,
/// `INVALID_EMAIL_ADDRESS`, `REQUIRED_FIELD_MISSING` (e.g. Contact `LastName`), lookups
/// (`FIELD_INTEGRITY_EXCEPTION`, `INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY`,
/// `ENTITY_IS_DELETED`), `DUPLICATE_VALUE` on a unique external id (case-insensitive; a
/// deleted record frees its value), then admin validation rules
/// (`FIELD_CUSTOM_VALIDATION_EXCEPTION`).
///
/// ### Replication windows
/// Seconds are dropped from `start` and `end`; after that `end` must be more than one
/// minute after `start` (so at least two minutes apart), and `start` within the reach
/// (getUpdated 30 days, getDeleted 15 days): otherwise 400 `INVALID_REPLICATION_DATE`.
/// Both ends are inclusive; the window stops at the current minute (`latestDateCovered` =
/// min(end, now to the minute)), so a change made in the current minute shows up in the next
/// window. More than 600,000 ids: `EXCEEDED_ID_LIMIT`.
///
/// ## Faults (SPEC §7)
/// The shared fault middleware asks `faultResponse`: an injected 503 is
/// `[{"message":"…","errorCode":"SERVER_UNAVAILABLE"}]`; an injected throttle is **429 with
/// `Retry-After`** and a `REQUEST_LIMIT_EXCEEDED` body. Real Salesforce never sends 429 nor
/// `Retry-After` (it answers 403 `REQUEST_LIMIT_EXCEEDED` when the allocation is spent, which
/// the emulator also does); the 429 exists so connectors prove they honour `Retry-After`.
///
/// ## Admin (`/admin/salesforce/…`)
/// - `POST seed?object=Contact&count=N` — N more deterministic records (continues the
///   object's seed sequence). `GET counts` — `{"Contact":{"live":…,"deleted":…},…}`.
/// - `POST tokens/expire` — every session expires.
/// - `GET|PUT limits` — `{"dailyApiRequests","apiRequestsUsed","getUpdatedMaxAgeDays","getDeletedMaxAgeDays"}` (PUT sets the fields given).
/// - `GET|PUT validation-rules` — `[{"object":"Contact","condition":"Email LIKE '%@blocked.example'","message":"…","field":"Email"}]`; the condition is a SOQL WHERE expression evaluated on the record as the write would leave it.
/// - `POST late` — `{"object":"Contact","id"?,"fields":{…},"secondsAgo":120 | "systemModstamp":"…","deleted"?:true}`: a write stamped in the past (a late commit or late delete).
/// - `POST /admin/reset` (shared) seeds the org again from the configuration: same records, no sessions, usage zero, no rules.
///
/// ## Seeding
/// `SalesforceConfiguration.demo(seed: n)`: n Accounts, Contacts and Memberships, n/4 Leads
/// and Opportunities. Values depend only on the record's index: names with apostrophes,
/// quotes, a backslash and non-ASCII letters, 10% null emails, some upper-case domains, 1 in
/// 7 opted out, bounces, lookups between objects, stamps spread over the 20 days before the
/// anchor with every tenth row tied to the previous one, `SystemModstamp` ahead of
/// `LastModifiedDate` on 5%, and 2% already deleted. `seedAnchor` pins the time base.
///
/// ## Known differences
/// - No relationship queries, aggregates other than `COUNT()`, `GROUP BY`, `FIELDS()`,
///   multi-select picklists, semi-joins, or XML.
/// - No cascade deletes (deleting an Account keeps its Contacts), no undelete, no recycle-bin purge.
/// - Picklist values are not restricted; SOQL text ordering uses Swift's ordering of lowercased text.
///
public final class SalesforceEmulator: EmulatedCRM {
    public let name = "salesforce"
    let configuration: SalesforceConfiguration
    let logger: Logger
    let state: Mutex<SalesforceOrg>
    /// Bulk API 2.0 ingest jobs.
    let bulkJobs = SalesforceBulkJobs()
    /// Fixed at creation, so a reset seeds exactly what the start seeded.
    let seedAnchor: Int64

    static let contentType = "application/json;charset=UTF-8"

    public init(configuration: SalesforceConfiguration, logger: Logger = Logger(label: "salesforce-emulator")) {
        self.configuration = configuration
        self.logger = logger
        self.seedAnchor = configuration.seedAnchor ?? CivilCalendar.truncatedToMinute(CivilCalendar.nowWholeSeconds())
        var org = SalesforceOrg(configuration: configuration)
        SalesforceSeeder.seedDemo(count: configuration.seedCount, into: &org, anchor: seedAnchor)
        self.state = Mutex(org)
    }

    public func addRoutes(to router: Router<EmulatorContext>) {
        router.post("services/oauth2/token") { request, _ in try await self.token(request) }
        router.get("services/data") { request, _ in self.versions(request) }
        for method in [HTTPRequest.Method.get, .post, .patch, .put, .delete, .head] {
            router.on("services/data/**", method: method) { request, _ in await self.handleAPI(request) }
        }
    }

    public func reset() {
        var org = SalesforceOrg(configuration: configuration)
        SalesforceSeeder.seedDemo(count: configuration.seedCount, into: &org, anchor: seedAnchor)
        state.withLock { $0 = org }
        bulkJobs.reset()
    }

    public func owns(path: String) -> Bool {
        path.hasPrefix("/services/")
    }

    public func faultResponse(_ decision: FaultInjector.Decision) -> Response {
        let usage = state.withLock { $0.usage.headerValue }
        var headers: HTTPFields = [SalesforceHeaders.limitInfo: usage]
        switch decision {
        case .throttle(let retryAfterSeconds):
            // Real Salesforce never answers 429 nor sends Retry-After: it refuses with
            // 403 REQUEST_LIMIT_EXCEEDED. SPEC §7 asks the emulator to inject 429 +
            // Retry-After anyway, so connectors prove they honour it; the body keeps
            // the platform's error shape.
            headers[.retryAfter] = String(retryAfterSeconds)
            return errorResponse(SalesforceAPIError(.tooManyRequests, "REQUEST_LIMIT_EXCEEDED",
                                                    "Too many requests; retry after \(retryAfterSeconds) seconds."), headers: headers)
        case .unavailable:
            return errorResponse(SalesforceAPIError(.serviceUnavailable, "SERVER_UNAVAILABLE",
                                                    "Server temporarily unavailable; please retry."), headers: headers)
        case .refuse(let refusal):
            return errorResponse(SalesforceAPIError(HTTPResponse.Status(code: refusal.status), refusal.code, refusal.message), headers: headers)
        case .none, .truncate:
            return errorResponse(SalesforceAPIError(.internalServerError, "UNKNOWN_EXCEPTION",
                                                    "An unexpected error occurred."), headers: headers)
        }
    }

    // MARK: Responses

    func salesforceResponse(_ json: SalesforceJSONWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = Self.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: json.buffer))
    }

    func errorResponse(_ error: SalesforceAPIError, headers: HTTPFields = [:]) -> Response {
        var json = SalesforceJSONWriter(capacity: 256)
        error.write(to: &json)
        return salesforceResponse(json, status: error.status, headers: headers)
    }
}
