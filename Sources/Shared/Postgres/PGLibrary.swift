import CLibPQ

/// The libpq this build links against (e.g. 150010 for 15.10), for `--version` and logs.
public enum PGLibrary {
    public static var version: Int { Int(PQlibVersion()) }
}
