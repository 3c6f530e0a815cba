import Foundation

/// Where `KafkaAdmin.resetOffsets` moves a group's committed offsets.
public enum KafkaOffsetResetTarget: Sendable, Hashable {
    /// The first offset still in each partition (its low watermark).
    case earliest
    /// The end of each partition (its high watermark): skip everything there is.
    case latest
    /// The first message whose timestamp is at or after the date, per partition; the end
    /// of the partition when there is none.
    case timestamp(Date)
}
