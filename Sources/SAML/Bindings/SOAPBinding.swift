public import XMLSecurity

/// The SAML SOAP binding (Bindings §3.2) over SOAP 1.1: one SAML message in the Body.
public enum SOAPBinding {
    /// `http://schemas.xmlsoap.org/soap/envelope/`
    public static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    /// The SOAP 1.2 namespace, recognised only to answer VersionMismatch.
    static let soap12Namespace = "http://www.w3.org/2003/05/soap-envelope"
    /// The HTTP Content-Type of SOAP 1.1 messages, faults included.
    public static let contentType = "text/xml; charset=utf-8"

    /// `body` (one serialized element, such as a signed LogoutResponse) in a SOAP 1.1 envelope.
    public static func envelope(body: [UInt8]) -> [UInt8] {
        Array("<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"\(envelopeNamespace)\"><SOAP-ENV:Body>".utf8) + body
            + Array("</SOAP-ENV:Body></SOAP-ENV:Envelope>".utf8)
    }

    /// The SAML protocol element in the Body of a SOAP 1.1 envelope, parsed safely. It is not
    /// trusted yet: its signature is checked in the same document, so no re-serialisation
    /// separates what is verified from what is read.
    public static func message(in bytes: [UInt8], limits: ParseLimits = ParseLimits()) throws(SOAPFault) -> XMLElement {
        let root: XMLElement
        do {
            root = try XMLDocument(parsing: bytes, limits: limits).root
        } catch {
            throw SOAPFault(code: .client, reason: "the envelope is not acceptable XML (\(error.code.rawValue))")
        }
        guard root.localName == "Envelope", root.namespaceURI == envelopeNamespace else {
            if root.localName == "Envelope", root.namespaceURI == soap12Namespace {
                throw SOAPFault(code: .versionMismatch, reason: "only SOAP 1.1 envelopes are accepted")
            }
            throw SOAPFault(code: .client, reason: "the document is not a SOAP 1.1 Envelope")
        }
        var parts = root.children
        if let header = parts.first, header.isNamed("Header", namespace: envelopeNamespace) {
            for block in header.children where block.attribute("mustUnderstand", namespace: envelopeNamespace) == "1" {
                throw SOAPFault(code: .mustUnderstand, reason: "header block \(block.localName) is not understood")
            }
            parts.removeFirst()
        }
        guard parts.count == 1, parts[0].isNamed("Body", namespace: envelopeNamespace) else {
            throw SOAPFault(code: .client, reason: "the Envelope must hold an optional Header and one Body, nothing else")
        }
        let messages = parts[0].children
        guard messages.count == 1, messages[0].namespaceURI == SAMLNamespace.samlp else {
            throw SOAPFault(code: .client, reason: "the Body must hold exactly one SAML protocol message")
        }
        return messages[0]
    }
}
