import XML

/// One DescribeInstances answer, read as a stream: the instances (id, state,
/// tags) and the token of the next page, without building the document's
/// tree. A page of 1,000 instances is megabytes of XML whose tree would be
/// several times that; this keeps only what it returns.
///
/// It reads what the tree reader would: `reservationSet/item/instancesSet/item`
/// under the root, by local name, the first `reservationSet`, `instancesSet`,
/// `instanceId`, `instanceState/name`, `tagSet` and `nextToken` where several
/// are present, every `tagSet/item` with a `key` (a repeated key: the last
/// wins), and no instance without an id.
package struct DescribeInstancesPage: Equatable {
    package var instances: [Instance]
    package var nextToken: String?

    package init(instances: [Instance], nextToken: String?) {
        self.instances = instances
        self.nextToken = nextToken
    }

    /// Answers are larger than other AWS answers (about 6.5 KB per instance in
    /// AWS's layout, more with many interfaces or volumes), and no tree is
    /// built: pages of 1,000 instances fit, with room.
    package static let limits = XMLLimits(maxDepth: XMLLimits.default.maxDepth, maxDocumentSize: 16 << 20,
                                          maxElementCount: 2_000_000)

    /// - Parameter tagKeys: the tags to keep (nil: all); an instance can carry 50.
    package static func read(_ body: [UInt8], keepingTags tagKeys: Set<String>? = nil) throws(XMLError) -> DescribeInstancesPage {
        let reader = try XMLReader.read(body, limits: limits, into: Reader(tagKeys: tagKeys))
        return DescribeInstancesPage(instances: reader.instances, nextToken: reader.nextToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Follows where it is in the document with one frame per open element.
    private final class Reader: XMLHandler {
        /// What an open element is to this reader. A child's role follows from
        /// its parent's and its own name; `ignored` covers whole subtrees.
        enum Role: UInt8 {
            case root, reservationSet, reservation, instancesSet, instance, instanceId, instanceState, stateName
            case tagSet, tag, tagKey, tagValue, nextToken, ignored

            var bit: UInt16 { 1 << rawValue }
        }

        struct Frame {
            var role: Role
            /// Roles of the children seen so far (one bit each), for "the first one counts".
            var seen: UInt16 = 0
        }

        let tagKeys: Set<String>?
        var frames: [Frame] = []
        var instances: [Instance] = []
        var nextToken: String?
        // The instance being read, and its tag.
        var instanceId: String?
        var state: String?
        var tags: [String: String] = [:]
        var tagKey: String?
        var tagValue: String?

        init(tagKeys: Set<String>?) { self.tagKeys = tagKeys }

        func start(_ name: String, attributes: [String: String]) {
            guard let parent = frames.last else {
                frames.append(Frame(role: .root))
                return
            }
            var role = Self.role(of: name, under: parent.role)
            if Self.firstOnly & role.bit != 0 {
                if parent.seen & role.bit != 0 { role = .ignored } else { frames[frames.count - 1].seen |= role.bit }
            }
            switch role {
            case .instance: (instanceId, state, tags) = (nil, nil, [:])
            case .tag: (tagKey, tagValue) = (nil, nil)
            default: break
            }
            frames.append(Frame(role: role))
        }

        func end(_ name: String, text: UnsafeBufferPointer<UInt8>) {
            let role = frames.removeLast().role
            switch role {
            case .instanceId: instanceId = String(decoding: text, as: UTF8.self)
            case .stateName: state = String(decoding: text, as: UTF8.self)
            case .tagKey: tagKey = String(decoding: text, as: UTF8.self)
            case .tagValue: tagValue = String(decoding: text, as: UTF8.self)
            case .nextToken: nextToken = String(decoding: text, as: UTF8.self)
            case .tag:
                if let tagKey, tagKeys?.contains(tagKey) ?? true { tags[tagKey] = tagValue ?? "" }
            case .instance:
                if let instanceId, !instanceId.isEmpty {
                    instances.append(Instance(instanceId: instanceId, state: state ?? "", tags: tags))
                }
            default: break
            }
        }

        /// Roles of which only the first child of a parent counts.
        static let firstOnly: UInt16 = [Role.reservationSet, .instancesSet, .instanceId, .instanceState, .stateName, .tagSet,
                                        .tagKey, .tagValue, .nextToken].reduce(0) { $0 | $1.bit }

        static func role(of name: String, under parent: Role) -> Role {
            switch (parent, name) {
            case (.root, "reservationSet"): .reservationSet
            case (.root, "nextToken"): .nextToken
            case (.reservationSet, "item"): .reservation
            case (.reservation, "instancesSet"): .instancesSet
            case (.instancesSet, "item"): .instance
            case (.instance, "instanceId"): .instanceId
            case (.instance, "instanceState"): .instanceState
            case (.instanceState, "name"): .stateName
            case (.instance, "tagSet"): .tagSet
            case (.tagSet, "item"): .tag
            case (.tag, "key"): .tagKey
            case (.tag, "value"): .tagValue
            default: .ignored
            }
        }
    }
}
