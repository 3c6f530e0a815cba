import ArgumentParser
import Config

/// Where the control service is; see `ControlEndpoint`.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("url"), help: "Control service URL (default: $CRMBRIDGE_CONTROL_URL, else .crmbridge/stack.env).")
    var url: String?

    func client() throws -> ControlClient {
        ControlClient(endpoint: try ControlEndpoint.resolve(urlOverride: url))
    }
}

/// `--json` on every command: the API's answer on stdout as JSON, for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the answer as JSON on stdout (for scripts).")
    var json = false
}

/// Checks a workflow name given on the command line, naming the valid ones.
func workflowName(_ text: String) throws -> WorkflowName {
    do {
        return try WorkflowName.parse(text)
    } catch {
        throw ValidationError(error.description)
    }
}
