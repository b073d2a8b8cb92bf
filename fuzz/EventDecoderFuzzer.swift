// libFuzzer target: the event decoder and the decision on what an event asks
// for (TaggerEvent.decode, then TaggerConfiguration.action(for:)), on any bytes.
// Written by us. Built and run by mk/fuzz.mk (`make fuzz`, `make fuzz-ci`).
//
// Besides "no crash, no leak, no hang", it checks what must hold for every
// input the decoder accepts: only well-formed instance ids, at most 1,000 of
// them, no duplicates, and a region that is a region name.
import AWSQuery
import FoundationEssentials
import HTTP
import Primitives
import SigV4
import Tagger
import XML

private let configuration = TaggerConfiguration(
    roleName: "Okta-ServiceWorkbenchUser", trustedLaunchers: [], region: "us-east-1")
private let trusting = TaggerConfiguration(
    roleName: "Okta-ServiceWorkbenchUser",
    trustedLaunchers: [ARNPattern("arn:aws:iam::123456789012:role/swb-*")!], region: "us-east-1")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(UnsafeBufferPointer(start: data, count: size))
    let event: TaggerEvent
    do {
        event = try TaggerEvent.decode(input)
    } catch {
        precondition(error.errorType == "InvalidEvent", "decode threw \(error.errorType)")
        return 0
    }
    for setting in [configuration, trusting] {
        guard let action = try? setting.action(for: event) else { continue }
        if case .tag(let request) = action {
            precondition(Region.isValid(request.region), "a region that is not a region name reached a request")
            precondition(!request.instanceIds.isEmpty && request.instanceIds.count <= 1000, "instance count out of bounds")
            precondition(request.instanceIds.allSatisfy(InstanceID.isValid), "a malformed instance id reached a request")
            precondition(Set(request.instanceIds).count == request.instanceIds.count, "duplicate instance ids")
        }
    }
    return 0
}
