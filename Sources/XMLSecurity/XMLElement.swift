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
        self.localName == localName && namespaceURI == namespace
    }

    /// The value of an attribute; `namespace` nil means an unqualified attribute.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeNamespace = current.pointee.ns.flatMap { Self.string($0.pointee.href) }
            if Self.string(current.pointee.name) == name, attributeNamespace == namespace {
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
        children.filter { $0.isNamed(localName, namespace: namespace) }
    }

    /// The first element child named `localName` in `namespace`.
    public func firstChild(named localName: String, namespace: String?) -> XMLElement? {
        children.first { $0.isNamed(localName, namespace: namespace) }
    }

    /// Every descendant element (not this one) named `localName` in `namespace`, in document order.
    public func descendants(named localName: String, namespace: String?) -> [XMLElement] {
        var result: [XMLElement] = []
        var stack = children.reversed() as [XMLElement]
        while let element = stack.popLast() {
            if element.isNamed(localName, namespace: namespace) { result.append(element) }
            stack.append(contentsOf: element.children.reversed())
        }
        return result
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
