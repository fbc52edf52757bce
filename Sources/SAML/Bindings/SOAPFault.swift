/// A SOAP 1.1 fault (SOAP 1.1 §4.4): what the back channel answers when it cannot read the
/// envelope, or when the SAML message in it is refused before anyone is authenticated.
public struct SOAPFault: Error, Sendable, CustomStringConvertible {
    /// The SOAP 1.1 fault codes we send. Raw values are the local names of the codes.
    public enum Code: String, Sendable, CaseIterable {
        /// The envelope is not SOAP 1.1.
        case versionMismatch = "VersionMismatch"
        /// A header block demands understanding (`mustUnderstand="1"`) we do not have.
        case mustUnderstand = "MustUnderstand"
        /// The message is malformed or refused: the sender's fault.
        case client = "Client"
        /// We could not process a good message.
        case server = "Server"
    }

    /// The fault code.
    public var code: Code
    /// The `faultstring`: a short sentence for the sender, never key material or the message.
    public var reason: String

    /// Creates a fault.
    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A Client fault for a SAML message that failed validation; it names only the failed check.
    public init(_ error: SAMLValidationError) {
        self.init(code: .client, reason: "the SAML message was refused: \(error.code.rawValue)")
    }

    /// SOAP 1.1 over HTTP sends faults with status 500.
    public var httpStatus: Int { 500 }

    /// The fault envelope to send as the HTTP response body (``SOAPBinding/contentType``).
    public var envelope: [UInt8] {
        let fault =
            "<SOAP-ENV:Fault><faultcode>SOAP-ENV:\(code.rawValue)</faultcode><faultstring>\(reason.xmlEscaped)</faultstring></SOAP-ENV:Fault>"
        return SOAPBinding.envelope(body: Array(fault.utf8))
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }
}
