public import Foundation
import SwiftASN1
public import XMLSecurity

/// Our SP metadata (Metadata §2.4.4), handed to IdP admins; optionally signed.
public struct ServiceProviderMetadata: Sendable {
    /// Our entity ID.
    public var entityID: String
    /// The HTTP-POST AssertionConsumerService URL.
    public var assertionConsumerServiceURL: String
    /// SingleLogoutService URL (offered with HTTP-Redirect and HTTP-POST), if SLO is enabled.
    public var singleLogoutServiceURL: String?
    /// SOAP (back-channel) SingleLogoutService URL, if the IdP may end sessions without a browser.
    public var soapSingleLogoutServiceURL: String?
    /// Certificate (DER) of our signing key, if we sign requests.
    public var signingCertificateDER: [UInt8]?
    /// Certificates (DER) the IdP may encrypt to (several during rollover).
    public var encryptionCertificatesDER: [[UInt8]] = []
    /// `AuthnRequestsSigned`.
    public var authnRequestsSigned = false
    /// `WantAssertionsSigned`.
    public var wantAssertionsSigned = true
    /// NameIDFormat values we accept, in preference order.
    public var nameIDFormats: [String] = []
    /// `validUntil`, if the metadata should expire.
    public var validUntil: Date?
    /// The ID of the EntityDescriptor (needed when signed).
    public var id = "_gatehouse-sp-metadata"

    /// Metadata for `entityID` with its ACS URL.
    public init(entityID: String, assertionConsumerServiceURL: String) {
        self.entityID = entityID
        self.assertionConsumerServiceURL = assertionConsumerServiceURL
    }

    /// The DER of the first certificate in a PEM text, or nil.
    public static func certificateDER(pem: String) -> [UInt8]? {
        let documents = try? PEMDocument.parseMultiple(pemString: pem)
        return documents?.first { $0.discriminator == "CERTIFICATE" }.map { Array($0.derBytes) }
    }

    /// The metadata XML, unsigned.
    public var xml: String {
        var root =
            "<md:EntityDescriptor xmlns:md=\"\(SAMLNamespace.metadata)\" xmlns:ds=\"\(SAMLNamespace.xmldsig)\" ID=\"\(id.xmlEscaped)\" entityID=\"\(entityID.xmlEscaped)\""
        if let validUntil { root += " validUntil=\"\(SAMLInstant.format(validUntil))\"" }
        var lines = [root + ">"]
        lines.append(
            "  <md:SPSSODescriptor AuthnRequestsSigned=\"\(authnRequestsSigned)\" WantAssertionsSigned=\"\(wantAssertionsSigned)\" protocolSupportEnumeration=\"\(SAMLNamespace.samlp)\">"
        )
        if let signingCertificateDER { lines.append(Self.keyDescriptor(signingCertificateDER, use: "signing", methods: false)) }
        for certificate in encryptionCertificatesDER { lines.append(Self.keyDescriptor(certificate, use: "encryption", methods: true)) }
        if let singleLogoutServiceURL {
            for binding in [SAMLBinding.httpRedirect, SAMLBinding.httpPOST] {
                lines.append("    <md:SingleLogoutService Binding=\"\(binding)\" Location=\"\(singleLogoutServiceURL.xmlEscaped)\"/>")
            }
        }
        if let soapSingleLogoutServiceURL {
            lines.append(
                "    <md:SingleLogoutService Binding=\"\(SAMLBinding.soap)\" Location=\"\(soapSingleLogoutServiceURL.xmlEscaped)\"/>")
        }
        lines += nameIDFormats.map { "    <md:NameIDFormat>\($0.xmlEscaped)</md:NameIDFormat>" }
        lines.append(
            "    <md:AssertionConsumerService Binding=\"\(SAMLBinding.httpPOST)\" Location=\"\(assertionConsumerServiceURL.xmlEscaped)\" index=\"0\" isDefault=\"true\"/>"
        )
        lines.append("  </md:SPSSODescriptor>")
        lines.append("</md:EntityDescriptor>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The metadata signed with an enveloped signature by `key`.
    public func signed(with key: SigningKey, algorithm: SignatureAlgorithm = .rsaSHA256) throws(XMLSecurityError) -> String {
        let bytes = try Signer.signEnveloped(Array(xml.utf8), key: key, algorithm: algorithm)
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    private static func keyDescriptor(_ der: [UInt8], use: String, methods: Bool) -> String {
        var lines = [
            "    <md:KeyDescriptor use=\"\(use)\">",
            "      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(Base64Text.encode(der))</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
        ]
        if methods {
            // GCM first and only: CBC and RSA 1.5 are opt-in on our side (padding oracles).
            lines.append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>")
            lines.append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes128-gcm\"/>")
            lines.append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>")
        }
        lines.append("    </md:KeyDescriptor>")
        return lines.joined(separator: "\n")
    }
}
