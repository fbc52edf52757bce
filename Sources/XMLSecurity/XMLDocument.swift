import CLibXMLSec

/// A parsed, read-only XML document. Safe to share across tasks.
///
/// Parsing refuses any DOCTYPE, never touches the network or the file system, and enforces
/// ``ParseLimits``. Element IDs are registered once while parsing, so same-document references
/// resolve without ever mutating a shared document.
public struct XMLDocument: Sendable {
    let storage: Storage

    /// Parses `bytes` safely. Throws `tooLarge`, `doctypeForbidden`, `tooDeep` or `malformed`.
    public init(parsing bytes: [UInt8], limits: ParseLimits = ParseLimits()) throws(XMLSecurityError) {
        try XMLSecurityLibrary.ensureInitialized()
        let pointer = try Self.parse(bytes, limits: limits)
        storage = try Storage(takingOwnershipOf: pointer, limits: limits)
    }

    /// Parses UTF-8 text safely.
    public init(parsing text: String, limits: ParseLimits = ParseLimits()) throws(XMLSecurityError) {
        try self.init(parsing: Array(text.utf8), limits: limits)
    }

    init(takingOwnershipOf pointer: xmlDocPtr, limits: ParseLimits) throws(XMLSecurityError) {
        storage = try Storage(takingOwnershipOf: pointer, limits: limits)
    }

    /// The document element.
    public var root: XMLElement {
        XMLElement(storage: storage, node: xmlDocGetRootElement(storage.pointer)!)
    }

    /// How many ID-like attributes (`ID`, `Id`, `id`, `xml:id`) carry `value` anywhere in the document.
    public func idOccurrences(_ value: String) -> Int {
        storage.idCounts[value, default: 0]
    }

    /// The serialized document, for diagnostics. Verification never re-parses this.
    public func serialized() -> String { root.serialized() }

    /// Parses into a fresh, caller-owned libxml2 document.
    static func parse(_ bytes: [UInt8], limits: ParseLimits) throws(XMLSecurityError) -> xmlDocPtr {
        guard bytes.count <= limits.maxBytes else {
            throw XMLSecurityError(code: .tooLarge, detail: "document is \(bytes.count) bytes; the limit is \(limits.maxBytes)")
        }
        guard !bytes.isEmpty else { throw XMLSecurityError(code: .malformed, detail: "document is empty") }
        guard let parser = gh_new_guarded_parser() else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create an XML parser")
        }
        defer { xmlFreeParserCtxt(parser) }
        // NONET: no network. No NOENT, DTDLOAD, DTDATTR or XINCLUDE: nothing is substituted or loaded.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                xmlCtxtReadMemory(parser, chars, Int32(buffer.count), "urn:gatehouse:message", nil, options)
            }
        }
        if gh_parser_saw_doctype(parser) != 0 {
            if let document { xmlFreeDoc(document) }
            throw XMLSecurityError(code: .doctypeForbidden, detail: "the document has a DOCTYPE; SAML messages never need one")
        }
        guard let document else {
            throw XMLSecurityError(code: .malformed, detail: "not well-formed XML: \(Self.lastError(parser))")
        }
        if parser.pointee.wellFormed == 0 || document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            let doctype = document.pointee.intSubset != nil || document.pointee.extSubset != nil
            xmlFreeDoc(document)
            if doctype {
                throw XMLSecurityError(code: .doctypeForbidden, detail: "the document has a DOCTYPE; SAML messages never need one")
            }
            throw XMLSecurityError(code: .malformed, detail: "not well-formed XML: \(Self.lastError(parser))")
        }
        guard xmlDocGetRootElement(document) != nil else {
            xmlFreeDoc(document)
            throw XMLSecurityError(code: .malformed, detail: "document has no root element")
        }
        return document
    }

    private static func lastError(_ parser: xmlParserCtxtPtr) -> String {
        let error = parser.pointee.lastError
        guard let message = error.message else { return "error \(error.code)" }
        let text = String(String(cString: message).filter { $0 != "\n" })
        return "line \(error.line): \(text)"
    }
}

extension XMLDocument {
    // @unchecked: the document is never mutated after init (IDs are registered inside init),
    // and libxml2 allows concurrent reads of one document.
    final class Storage: @unchecked Sendable {
        let pointer: xmlDocPtr
        let idCounts: [String: Int]

        init(takingOwnershipOf pointer: xmlDocPtr, limits: ParseLimits) throws(XMLSecurityError) {
            self.pointer = pointer
            do {
                idCounts = try Self.prepare(pointer, limits: limits)
            } catch {
                // deinit does not run for a half-initialised object: free here, exactly once.
                xmlFreeDoc(pointer)
                throw error
            }
        }

        deinit { xmlFreeDoc(pointer) }

        /// Checks depth, counts every ID-like value and registers the configured ID attributes.
        private static func prepare(_ document: xmlDocPtr, limits: ParseLimits) throws(XMLSecurityError) -> [String: Int] {
            var counts: [String: Int] = [:]
            guard let root = xmlDocGetRootElement(document) else { return counts }
            // Iterative walk: a hostile document must not be able to exhaust our stack.
            var stack: [(xmlNodePtr, Int)] = [(root, 1)]
            while let (node, depth) = stack.popLast() {
                guard depth <= limits.maxDepth else {
                    throw XMLSecurityError(code: .tooDeep, detail: "elements nest deeper than \(limits.maxDepth)")
                }
                var attribute = node.pointee.properties
                while let current = attribute {
                    // Compared on the C string: this runs for every attribute of every message.
                    let name = current.pointee.name
                    let configured = limits.idAttributeNames.contains { XMLElement.equal(name, $0) }
                    // `id` covers xml:id too (same local name, the XML namespace).
                    if configured || XMLElement.equal(name, "ID") || XMLElement.equal(name, "Id") || XMLElement.equal(name, "id") {
                        let value = XMLElement.attributeValue(current)
                        counts[value, default: 0] += 1
                        if current.pointee.ns == nil, configured {
                            register(value, attribute: current, in: document)
                        }
                    }
                    attribute = current.pointee.next
                }
                var child = node.pointee.children
                while let current = child {
                    if current.pointee.type == XML_ELEMENT_NODE { stack.append((current, depth + 1)) }
                    child = current.pointee.next
                }
            }
            return counts
        }

        private static func register(_ value: String, attribute: xmlAttrPtr, in document: xmlDocPtr) {
            if let existing = xmlGetID(document, value), existing == attribute { return }
            // A second element with the same ID fails to register; the count records it.
            _ = xmlAddID(nil, document, value, attribute)
        }
    }
}
