import EC2
import XML

/// The tree reading the stream must agree with: what the client read before
/// it streamed, kept as the reference of the tests and of the XML fuzz target
/// (mk/fuzz.mk compiles this file into it).
enum TreeOracle {
    static func page(_ root: XMLElement) -> DescribeInstancesPage {
        var instances: [Instance] = []
        for reservation in root.child("reservationSet")?.children("item") ?? [] {
            for item in reservation.child("instancesSet")?.children("item") ?? [] {
                guard let id = item.child("instanceId")?.text, !id.isEmpty else { continue }
                var tags: [String: String] = [:]
                for tag in item.child("tagSet")?.children("item") ?? [] {
                    if let key = tag.child("key")?.text { tags[key] = tag.child("value")?.text ?? "" }
                }
                instances.append(Instance(instanceId: id, state: item.child("instanceState")?.child("name")?.text ?? "", tags: tags))
            }
        }
        let token = root.child("nextToken")?.text
        return DescribeInstancesPage(instances: instances, nextToken: token?.isEmpty == false ? token : nil)
    }
}
