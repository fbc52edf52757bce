import Crypto
public import Foundation
import SAML
import SwiftASN1
import X509
public import XMLSecurity

/// A built-in identity provider for `gatehouse demo` and local app development only.
///
/// It signs real SAML responses (ECDSA P-256, with a key generated at first start), so the
/// gateway validates them exactly like an IdP's. It is never enabled by default.
public struct DevelopmentIdP: Sendable {
    /// The IdP's entity ID.
    public let entityID: String
    /// Where browsers are sent with an AuthnRequest (HTTP-Redirect).
    public let singleSignOnURL: String
    /// The only ACS URL it will post to: the gateway's own.
    public let assertionConsumerServiceURL: String
    /// The signing certificate, PEM.
    public let certificatePEM: String
    let signingKey: SigningKey

    /// Loads the key from `directory`, generating it (and a self-signed certificate) at first start.
    public init(directory: URL, baseURL: String, assertionConsumerServiceURL: String, now: Date = Date()) throws {
        let keyFile = directory.appendingPathComponent("dev-idp.key")
        let certificateFile = directory.appendingPathComponent("dev-idp.crt")
        if !FileManager.default.fileExists(atPath: keyFile.path) || !FileManager.default.fileExists(atPath: certificateFile.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let (key, certificate) = try Self.generate(now: now)
            try Data(key.utf8).write(to: keyFile, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
            try Data(certificate.utf8).write(to: certificateFile, options: .atomic)
        }
        let keyPEM = try String(contentsOf: keyFile, encoding: .utf8)
        certificatePEM = try String(contentsOf: certificateFile, encoding: .utf8)
        signingKey = try SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        entityID = base + DevelopmentIdP.pathPrefix + "/metadata"
        singleSignOnURL = base + DevelopmentIdP.pathPrefix + "/sso"
        self.assertionConsumerServiceURL = assertionConsumerServiceURL
    }

    /// The path under which the development IdP's pages live.
    public static let pathPrefix = "/_dev-idp"

    /// The IdP metadata the gateway registers.
    public var metadataXML: String {
        let body = PEMBody.base64(certificatePEM)
        return """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" \
            xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" entityID="\(entityID.xmlEscaped)">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">
                <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Development IdP (not for production)</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(body)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="\(singleSignOnURL.xmlEscaped)"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            """
    }

    private static func generate(now: Date) throws -> (key: String, certificate: String) {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName("Gatehouse development IdP") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3_600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) },
            issuerPrivateKey: certificateKey
        )
        return (key.pemRepresentation, try certificate.serializeAsPEM().pemString)
    }
}

/// The base64 body of a PEM block, as metadata's X509Certificate wants it.
enum PEMBody {
    static func base64(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }
}
