import Foundation

/// Strict decoding: the bytes must be exactly one envelope object of the current schema,
/// with every required field, no unknown or repeated field, and scalar record fields.
/// A `delete` may omit `fields`. Any input gives an envelope or a clear error, never a trap.
extension Envelope {
    public static func decode(_ bytes: [UInt8]) -> Result<Envelope, EnvelopeError> {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    public static func decode(_ buffer: UnsafeRawBufferPointer) -> Result<Envelope, EnvelopeError> {
        decode(buffer.bindMemory(to: UInt8.self))
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Envelope, EnvelopeError> {
        var reader = JSONReader(bytes: bytes)
        do {
            return .success(try decodeObject(&reader))
        } catch {
            return .failure(error)
        }
    }

    private static let requiredKeys = ["schema", "op", "system", "entity", "id", "modifiedAt", "fields"]

    private static func decodeObject(_ reader: inout JSONReader) throws(EnvelopeError) -> Envelope {
        guard let first = reader.peek() else {
            throw EnvelopeError(.notJSON, "not JSON: empty input")
        }
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "-")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
                throw EnvelopeError(.notAnObject, "the envelope must be a JSON object, found \(reader.nextKindName())")
            }
            throw reader.unexpected(expecting: "a JSON object")
        }
        try reader.consume(UInt8(ascii: "{"))
        var parts = Parts()
        if !reader.consumeIf(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.readString()
                try reader.consume(UInt8(ascii: ":"))
                try parts.read(key: key, from: &reader)
            } while reader.consumeIf(UInt8(ascii: ","))
            try reader.consume(UInt8(ascii: "}"))
        }
        if reader.peek() != nil {
            throw EnvelopeError(.notJSON, "not JSON: trailing data after the envelope at byte \(reader.index)")
        }
        return try parts.envelope()
    }

    /// The envelope's members as they are read, checked once all are in.
    private struct Parts {
        var schema: Int?
        var op: Operation?
        var system: System?
        var entity: String?
        var id: String?
        var modifiedAt: Date?
        var fields: [String: FieldValue]?

        mutating func read(key: String, from reader: inout JSONReader) throws(EnvelopeError) {
            switch key {
            case "schema":
                try once(schema == nil, key)
                schema = try readSchema(&reader)
            case "op":
                try once(op == nil, key)
                let text = try readText(key, &reader)
                guard let value = Operation(rawValue: text) else {
                    throw EnvelopeError(.unknownOperation, "unknown op \(shown(text)) (expected upsert or delete)")
                }
                op = value
            case "system":
                try once(system == nil, key)
                let text = try readText(key, &reader)
                guard let value = System(rawValue: text) else {
                    throw EnvelopeError(
                        .unknownSystem, "unknown system \(shown(text)) (expected dynamics, salesforce or campaign)")
                }
                system = value
            case "entity":
                try once(entity == nil, key)
                entity = try readText(key, &reader)
            case "id":
                try once(id == nil, key)
                id = try readText(key, &reader)
            case "modifiedAt":
                try once(modifiedAt == nil, key)
                modifiedAt = try readModifiedAt(&reader)
            case "fields":
                try once(fields == nil, key)
                fields = try readFields(&reader)
            default:
                throw EnvelopeError(
                    .unknownField,
                    "unknown field \(shown(key)) (expected \(requiredKeys.joined(separator: ", ")))")
            }
        }

        func envelope() throws(EnvelopeError) -> Envelope {
            guard let schema else { throw missing("schema") }
            guard let op else { throw missing("op") }
            guard let system else { throw missing("system") }
            guard let entity else { throw missing("entity") }
            guard let id else { throw missing("id") }
            guard let modifiedAt else { throw missing("modifiedAt") }
            guard fields != nil || op == .delete else { throw missing("fields") }
            guard !entity.isEmpty else { throw EnvelopeError(.emptyValue, "field `entity` must not be empty") }
            guard !id.isEmpty else { throw EnvelopeError(.emptyValue, "field `id` must not be empty") }
            var envelope = Envelope(
                op: op, system: system, entity: entity, id: id, modifiedAt: modifiedAt, fields: fields ?? [:])
            envelope.schema = schema
            return envelope
        }

        private func missing(_ key: String) -> EnvelopeError {
            EnvelopeError(.missingField, "missing field `\(key)`")
        }

        private func once(_ isFirst: Bool, _ key: String) throws(EnvelopeError) {
            guard isFirst else {
                throw EnvelopeError(.duplicateField, "duplicate field `\(key)`")
            }
        }

        private func readText(_ key: String, _ reader: inout JSONReader) throws(EnvelopeError) -> String {
            guard reader.peek() == UInt8(ascii: "\"") else {
                throw wrongType(key, "a string", &reader)
            }
            return try reader.readString()
        }

        private func readSchema(_ reader: inout JSONReader) throws(EnvelopeError) -> Int {
            guard let next = reader.peek(), next == UInt8(ascii: "-") || (0x30...0x39).contains(next) else {
                throw wrongType("schema", "an integer", &reader)
            }
            let number = try reader.readNumber()
            guard let value = Int(number.text) else {
                throw EnvelopeError(.wrongType, "field `schema` must be an integer, found \(shown(number.text))")
            }
            guard value == Envelope.currentSchema else {
                throw EnvelopeError(
                    .unsupportedSchema,
                    "unsupported schema \(value) (this version reads schema \(Envelope.currentSchema))")
            }
            return value
        }

        private func readModifiedAt(_ reader: inout JSONReader) throws(EnvelopeError) -> Date {
            let text = try readText("modifiedAt", &reader)
            switch DateTimeText.parse(text, leniency: .rfc3339) {
            case .success(let value):
                return value.date
            case .failure(let error):
                throw EnvelopeError(
                    .badModifiedAt,
                    "bad modifiedAt \(shown(text)): \(error.reason); expected RFC 3339 like 2026-01-02T03:04:05Z")
            }
        }

        private func readFields(_ reader: inout JSONReader) throws(EnvelopeError) -> [String: FieldValue] {
            guard reader.peek() == UInt8(ascii: "{") else {
                throw wrongType("fields", "an object", &reader)
            }
            try reader.consume(UInt8(ascii: "{"))
            var fields: [String: FieldValue] = [:]
            fields.reserveCapacity(8)
            if reader.consumeIf(UInt8(ascii: "}")) {
                return fields
            }
            repeat {
                let name = try reader.readString()
                try reader.consume(UInt8(ascii: ":"))
                let next = reader.peek()
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "[") {
                    throw EnvelopeError(
                        .nestedFieldValue,
                        "fields.\(shown(name)) holds \(reader.nextKindName()); "
                            + "a field value must be null, a boolean, a number or a string")
                }
                let value = try reader.readScalar()
                guard fields.updateValue(value, forKey: name) == nil else {
                    throw EnvelopeError(.duplicateField, "duplicate field fields.\(shown(name))")
                }
            } while reader.consumeIf(UInt8(ascii: ","))
            try reader.consume(UInt8(ascii: "}"))
            return fields
        }

        private func wrongType(_ key: String, _ expected: String, _ reader: inout JSONReader) -> EnvelopeError {
            EnvelopeError(.wrongType, "field `\(key)` must be \(expected), found \(reader.nextKindName())")
        }
    }
}
