import FoundationEssentials
import Primitives

/// The CloudWatch embedded metric format (EMF) record of one invocation: a
/// JSON object logged on a line of its own, from which CloudWatch Logs makes
/// metrics with no API call and no extra permission ("Specification: Embedded
/// metric format", CloudWatch User Guide).
///
/// Metrics, all under the one dimension `FunctionName`:
/// `Tagged`, `Unchanged`, `Skipped`, `Revoked`, `Ignored` and `Failed` (counts)
/// for every invocation; for a sweep also `SweepCorrections` (instances it had
/// to tag or revoke: events that were missed) and `SweepDuration` (milliseconds).
package struct InvocationMetrics: Sendable, Equatable {
    /// `METRICS_NAMESPACE`.
    package var namespace: String
    /// `AWS_LAMBDA_FUNCTION_NAME`, the dimension's value.
    package var functionName: String

    package static let defaultNamespace = "aws-userid-tagger"

    package init(namespace: String = defaultNamespace, functionName: String) {
        self.namespace = namespace
        self.functionName = functionName
    }

    /// The record of an outcome. `properties` are added as top-level string
    /// members (a JSON log line's `level` and `requestId`); `durationMs` is the
    /// invocation's, reported as `SweepDuration` when it swept.
    package func record(of outcome: Result<TaggingResult, TaggerError>, durationMs: Double, at date: Date,
                        properties: [(String, String)] = []) -> String {
        var values: [(String, String, Double)] = []  // name, unit, value
        switch outcome {
        case .success(let result):
            values = [("Tagged", "Count", Double(result.tagged.count)), ("Unchanged", "Count", Double(result.unchanged.count)),
                      ("Skipped", "Count", Double(result.skipped.count)), ("Revoked", "Count", Double(result.revoked.count)),
                      ("Ignored", "Count", result.ignored == nil ? 0 : 1), ("Failed", "Count", 0)]
            if result.sweeps > 0 {
                values.append(("SweepCorrections", "Count", Double(result.tagged.count + result.revoked.count)))
                values.append(("SweepDuration", "Milliseconds", durationMs))
            }
        case .failure:
            values = [("Tagged", "Count", 0), ("Unchanged", "Count", 0), ("Skipped", "Count", 0), ("Revoked", "Count", 0),
                      ("Ignored", "Count", 0), ("Failed", "Count", 1)]
        }
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var line = "{\"_aws\":{\"Timestamp\":\(milliseconds),\"CloudWatchMetrics\":[{\"Namespace\":\(JSONText.quoted(namespace)),"
        line += "\"Dimensions\":[[\"FunctionName\"]],\"Metrics\":["
        line += values.map { "{\"Name\":\"\($0.0)\",\"Unit\":\"\($0.1)\"}" }.joined(separator: ",") + "]}]},"
        line += "\"FunctionName\":\(JSONText.quoted(functionName))"
        for (name, _, value) in values { line += ",\"\(name)\":\(Self.number(value))" }
        if case .failure(let error) = outcome { line += ",\"errorType\":" + JSONText.quoted(error.errorType) }
        for (name, value) in properties where !reserved.contains(name) {
            line += "," + JSONText.quoted(name) + ":" + JSONText.quoted(value)
        }
        return line + "}"
    }

    /// Members a property may not replace.
    private let reserved: Set<String> = ["_aws", "FunctionName", "errorType", "Tagged", "Unchanged", "Skipped", "Revoked",
                                         "Ignored", "Failed", "SweepCorrections", "SweepDuration"]

    /// A whole number without a fraction, else one decimal.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String((value * 10).rounded() / 10)
    }

    /// A CloudWatch namespace: 1 to 255 of letters, digits and `. - _ / # :`,
    /// not starting with `AWS/` (reserved for AWS's own).
    package static func isValidNamespace(_ name: String) -> Bool {
        (1...255).contains(name.utf8.count) && !name.hasPrefix("AWS/")
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array(".-_/#:".utf8).contains(byte)
            }
    }
}
