import CLibXMLSec

/// One element of a parsed ``XMLDocument``. Holding it keeps the document alive.
///
/// Two values are equal when they are the same node of the same document.
public struct XMLElement: Sendable, Hashable {
    let storage: XMLDocument.Storage
    let handle: NodeHandle

    init(storage: XMLDocument.Storage, node: xmlNodePtr) {
        self.storage = storage
        self.handle = NodeHandle(pointer: node)
    }

    var node: xmlNodePtr { handle.pointer }

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The element's name without prefix.
    public var localName: String { Self.string(node.pointee.name) ?? "" }

    /// The element's namespace URI, if it has one.
    public var namespaceURI: String? { node.pointee.ns.flatMap { Self.string($0.pointee.href) } }

    /// The prefix the element was written with, if any.
    public var prefix: String? { node.pointee.ns.flatMap { Self.string($0.pointee.prefix) } }

    /// The line the element starts on, for diagnostics.
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// The document this element belongs to.
    public var document: XMLDocument { XMLDocument(storage: storage) }

    /// Whether this element is named `localName` in `namespace`.
    public func isNamed(_ localName: String, namespace: String?) -> Bool {
        Self.matches(node, localName, namespace)
    }

    /// The value of an attribute; `namespace` nil means an unqualified attribute.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if Self.equal(current.pointee.name, name), Self.equal(current.pointee.ns?.pointee.href, namespace) {
                return Self.attributeValue(current)
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// Every attribute, in document order.
    public var attributes: [XMLAttribute] {
        var result: [XMLAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            result.append(
                XMLAttribute(
                    localName: Self.string(current.pointee.name) ?? "",
                    namespaceURI: current.pointee.ns.flatMap { Self.string($0.pointee.href) },
                    value: Self.attributeValue(current)))
            attribute = current.pointee.next
        }
        return result
    }

    /// The element children, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(storage: storage, node: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// The element children named `localName` in `namespace`.
    public func children(named localName: String, namespace: String?) -> [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, Self.matches(current, localName, namespace) {
                result.append(XMLElement(storage: storage, node: current))
            }
            child = current.pointee.next
        }
        return result
    }

    /// The first element child named `localName` in `namespace`.
    public func firstChild(named localName: String, namespace: String?) -> XMLElement? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, Self.matches(current, localName, namespace) {
                return XMLElement(storage: storage, node: current)
            }
            child = current.pointee.next
        }
        return nil
    }

    /// Every descendant element (not this one) named `localName` in `namespace`, in document order.
    public func descendants(named localName: String, namespace: String?) -> [XMLElement] {
        var result: [XMLElement] = []
        forEachDescendant { element in
            if Self.matches(element, localName, namespace) { result.append(XMLElement(storage: storage, node: element)) }
        }
        return result
    }

    /// How many descendant elements (not this one) have any of `localNames` in `namespace`:
    /// one walk where counting each name would take several.
    public func descendantCount(namedAnyOf localNames: [String], namespace: String?) -> Int {
        var count = 0
        forEachDescendant { element in
            if localNames.contains(where: { Self.matches(element, $0, namespace) }) { count += 1 }
        }
        return count
    }

    /// Pre-order walk of the descendant elements along the C links: no stack to grow, whatever
    /// the depth, and no intermediate arrays (this runs over the whole message on every validation).
    private func forEachDescendant(_ visit: (xmlNodePtr) -> Void) {
        var current = Self.firstElement(node.pointee.children)
        while let element = current {
            visit(element)
            if let child = Self.firstElement(element.pointee.children) {
                current = child
                continue
            }
            var climbing: xmlNodePtr? = element
            current = nil
            while let up = climbing, up != node {
                if let sibling = Self.firstElement(up.pointee.next) {
                    current = sibling
                    break
                }
                climbing = up.pointee.parent
            }
        }
    }

    /// `node` itself or its first following sibling that is an element.
    private static func firstElement(_ node: xmlNodePtr?) -> xmlNodePtr? {
        var current = node
        while let candidate = current, candidate.pointee.type != XML_ELEMENT_NODE { current = candidate.pointee.next }
        return current
    }

    /// Name and namespace comparison on the C strings, without building Swift strings.
    private static func matches(_ node: xmlNodePtr, _ localName: String, _ namespace: String?) -> Bool {
        equal(node.pointee.name, localName) && equal(node.pointee.ns?.pointee.href, namespace)
    }

    static func equal(_ pointer: UnsafePointer<xmlChar>?, _ string: String?) -> Bool {
        guard let pointer, let string else { return pointer == nil && string == nil }
        return string.withCString { xmlStrEqual(pointer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) != 0 }
    }

    /// The parent element, or nil for the root.
    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(storage: storage, node: parent)
    }

    /// All text of this element and its descendants, concatenated, comments excluded.
    ///
    /// This is the whole content, never just the first text node: `a<!---->b` reads as `ab`.
    public var textContent: String {
        // The usual case, one text child and nothing else: its content is the whole content,
        // read in place without xmlNodeGetContent's copy.
        if let child = node.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
            let content = child.pointee.content
        {
            return String(cString: content)
        }
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { gh_xml_free(content) }
        return String(cString: content)
    }

    /// Whether any direct child is a comment, processing instruction or entity reference.
    public var hasNonTextContent: Bool {
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: break
            default: return true
            }
            child = current.pointee.next
        }
        return false
    }

    /// The namespace URI bound to `prefix` (nil: the default namespace) in scope at this element.
    public func namespaceURI(forPrefix prefix: String?) -> String? {
        guard let ns = xmlSearchNs(storage.pointer, node, prefix) else { return nil }
        return Self.string(ns.pointee.href)
    }

    /// The element serialized as written (namespaces in scope are not added). For diagnostics only.
    public func serialized() -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        _ = xmlNodeDump(buffer, storage.pointer, node, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool { lhs.handle == rhs.handle }
    public func hash(into hasher: inout Hasher) { hasher.combine(handle) }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        guard let value = xmlNodeListGetString(attribute.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { gh_xml_free(value) }
        return String(cString: value)
    }
}

/// One attribute of an element.
public struct XMLAttribute: Sendable, Hashable {
    /// The attribute name without prefix.
    public var localName: String
    /// The namespace URI of a qualified attribute.
    public var namespaceURI: String?
    /// The attribute value with entities and character references resolved.
    public var value: String
}

// @unchecked: a node of an immutable document that its Storage keeps alive.
struct NodeHandle: @unchecked Sendable, Hashable {
    let pointer: xmlNodePtr
}

extension XMLDocument {
    init(storage: Storage) { self.storage = storage }
}
