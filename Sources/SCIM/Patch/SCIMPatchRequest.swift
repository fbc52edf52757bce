/// A PATCH request (RFC 7644 §3.5.2): a list of operations applied in order, all or nothing.
public struct SCIMPatchRequest: Sendable, Equatable {
    /// The operations, in order.
    public var operations: [SCIMPatchOperation]

    /// A request of `operations`.
    public init(operations: [SCIMPatchOperation]) {
        self.operations = operations
    }

    /// Reads a PatchOp message. Accepts the spellings identity providers send: `op` in any
    /// case (Entra ID writes `"Replace"`), and member names in any case.
    ///
    /// - Throws: `invalidSyntax` when the message is not a PatchOp with a non-empty `Operations`
    ///   array of objects with a known `op`; `payloadTooLarge` for more than `maxOperations`
    ///   operations; `invalidPath` for a bad `path`; `invalidValue` when `add` or `replace` has
    ///   no `value`.
    public init(parsing body: SCIMValue, maxOperations: Int = 1000, limits: SCIMFilterLimits = .init()) throws(SCIMError) {
        guard let object = body.objectValue else { throw SCIMError(.invalidSyntax, "a PATCH body must be a JSON object") }
        let schemas = object["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard schemas.contains(where: { $0.scimEquals(SCIMSchemaURN.patchOp) }) else {
            throw SCIMError(.invalidSyntax, "a PATCH body must list the schema \(SCIMSchemaURN.patchOp)")
        }
        guard let list = object["Operations"]?.arrayValue, !list.isEmpty else {
            throw SCIMError(.invalidSyntax, "a PATCH body needs a non-empty \"Operations\" array")
        }
        guard list.count <= maxOperations else {
            throw SCIMError(.payloadTooLarge, "the PATCH has \(list.count) operations; at most \(maxOperations) are accepted")
        }
        var operations: [SCIMPatchOperation] = []
        for (index, element) in list.enumerated() {
            guard let entry = element.objectValue else { throw SCIMError(.invalidSyntax, "operation \(index + 1) is not an object") }
            guard let name = entry["op"]?.stringValue, let kind = SCIMPatchOperation.Kind(rawValue: name.lowercased()) else {
                let shown = entry["op"].map { String($0.json.prefix(40)) } ?? "nothing"
                throw SCIMError(.invalidSyntax, "operation \(index + 1) has op \(shown); expected add, remove or replace")
            }
            var path: SCIMPatchPath?
            switch entry["path"] {
            case nil, .null?: path = nil
            case .string(let text)?: path = try SCIMPatchPath(parsing: text, limits: limits)
            case let other?: throw SCIMError(.invalidPath, "operation \(index + 1) has a \(other.typeName) path; a path is a string")
            }
            let value = entry["value"]
            if kind != .remove, value == nil {
                throw SCIMError(.invalidValue, "operation \(index + 1) (\(kind.rawValue)) has no value")
            }
            operations.append(SCIMPatchOperation(kind, path: path, value: value))
        }
        self.operations = operations
    }

    /// Reads a PatchOp message from a JSON body.
    public init(json bytes: some Collection<UInt8>, limits: SCIMJSONLimits = .init(), maxOperations: Int = 1000) throws(SCIMError) {
        try self.init(parsing: try SCIMValue.parse(json: bytes, limits: limits), maxOperations: maxOperations)
    }

    /// Applies every operation to `resource`, a resource of `type`, and returns the result.
    /// Nothing is applied unless every operation succeeds, and the result must still carry
    /// every required attribute. The caller sets `meta.lastModified` and `meta.version`.
    ///
    /// - Throws: `noTarget`, `invalidPath`, `invalidValue` or `mutability`.
    public func apply(to resource: SCIMObject, of type: SCIMResourceType) throws(SCIMError) -> SCIMObject {
        var patcher = SCIMPatcher(object: resource, type: type)
        for operation in operations { try patcher.apply(operation) }
        try type.checkRequired(patcher.object)
        return patcher.object
    }
}

/// One PATCH operation.
public struct SCIMPatchOperation: Sendable, Equatable {
    /// The operations of RFC 7644 §3.5.2.
    public enum Kind: String, Sendable, CaseIterable {
        case add, remove, replace
    }

    /// What to do.
    public var kind: Kind
    /// Where; nil means the resource itself.
    public var path: SCIMPatchPath?
    /// The value; required for add and replace.
    public var value: SCIMValue?

    /// An operation.
    public init(_ kind: Kind, path: SCIMPatchPath? = nil, value: SCIMValue? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
    }
}
