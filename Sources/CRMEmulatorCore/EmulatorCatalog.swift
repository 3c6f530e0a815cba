import Logging

/// The CRMs one emulator process serves. Each side registers itself here.
public enum EmulatorCatalog {
    public static func makeCRMs(seed: Int, logger: Logger) -> [any EmulatedCRM] {
        [
            DynamicsEmulator(configuration: .demo(seed: seed), logger: logger),
            SalesforceEmulator(configuration: .demo(seed: seed), logger: logger),
        ]
    }
}
