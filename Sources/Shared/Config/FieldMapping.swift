import CoreValues
import Mapping

/// One CRM field copied to one Campaign column (`fields:` of an entity).
public struct FieldMapping: Sendable, Equatable {
    /// The CRM field (`emailaddress1`, `Email`).
    public var remote: String
    /// The Campaign column (`email`).
    public var column: String
    /// How the value is converted; default `default`.
    public var conversion: FieldConversion
    /// When false, the column is written when a row is created and never updated after;
    /// default true.
    public var applyUpdates: Bool
    /// Exact-match replacements applied before the conversion, first match wins.
    public var replacements: [ReplacementRule]

    public init(
        remote: String, column: String, conversion: FieldConversion = .default, applyUpdates: Bool = true,
        replacements: [ReplacementRule] = []
    ) {
        self.remote = remote
        self.column = column
        self.conversion = conversion
        self.applyUpdates = applyUpdates
        self.replacements = replacements
    }

    /// The text to bind for the CRM value: replacements, then the conversion.
    public func campaignValue(for value: FieldValue) -> Result<String?, ConversionError> {
        conversion.convert(replacements.apply(to: value))
    }
}
