public enum EmulatorVersion { public static let current = "1" }
