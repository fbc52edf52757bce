import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SCIM

/// SCIM requests through a ``GatewayHarness``'s live server, with one bearer token.
struct SCIMTestClient {
    /// The token every global test configuration accepts (tenant "").
    static let globalToken = "scim-test-token-global-0123456789"
    /// The token bound to ``idpA``.
    static let idpAToken = "scim-test-token-idp-a-0123456789"
    /// The token bound to ``idpB``.
    static let idpBToken = "scim-test-token-idp-b-0123456789"
    static let idpA = "https://idp-a.example/metadata"
    static let idpB = "https://idp-b.example/metadata"

    /// SCIM on, with the three tokens above.
    static func configure(_ config: inout GatehouseConfig) {
        config.scim.enabled = true
        config.scim.tokens = [SCIMSettings.Token(sha256: SessionID.hash(globalToken), label: "global-test")]
        var a = IdentityProviderSettings(entityID: idpA)
        a.scimToken = SCIMSettings.Token(sha256: SessionID.hash(idpAToken), label: "idp-a")
        var b = IdentityProviderSettings(entityID: idpB)
        b.scimToken = SCIMSettings.Token(sha256: SessionID.hash(idpBToken), label: "idp-b")
        config.identityProviders = [a, b]
    }

    /// One answer: status, headers and the JSON body, if any.
    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: SCIMValue?

        var object: SCIMObject { body?.objectValue ?? SCIMObject() }
        subscript(name: String) -> SCIMValue? { object[name] }
        var id: String { self["id"]?.stringValue ?? "" }
        var scimType: String? { self["scimType"]?.stringValue }
        /// The ids of a list response's resources, in order.
        var ids: [String] { (self["Resources"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue } }
        /// Whether the body is a SCIM error document whose status matches the response's.
        var isErrorDocument: Bool {
            let schemas = self["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return schemas == [SCIMSchemaURN.error] && self["status"]?.stringValue == String(status.code)
        }
    }

    let harness: GatewayHarness
    var token: String? = Self.globalToken

    func send(
        _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let token, headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/scim+json" }
        let response = try await harness.client.execute(
            uri: "/scim/v2" + path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        var body: SCIMValue?
        if response.body.readableBytes > 0 {
            var limits = SCIMJSONLimits()
            limits.maxBytes = .max
            body = try SCIMValue.parse(json: response.body.readableBytesView, limits: limits)
        }
        return Answer(status: response.status, headers: response.headers, body: body)
    }

    /// Creates a user named `userName` and returns its id.
    func createUser(_ userName: String, externalId: String? = nil, email: String? = nil) async throws -> String {
        let external = externalId.map { #","externalId":"\#($0)""# } ?? ""
        let emails = email.map { #","emails":[{"value":"\#($0)","type":"work","primary":true}]"# } ?? ""
        let answer = try await send(
            .post, "/Users",
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)","active":true\#(external)\#(emails)}"#)
        guard answer.status == .created else { throw SCIMTestFailure(answer: answer) }
        return answer.id
    }

    /// A URL query value, percent-encoded.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A SCIM request that a test's setup needed did not succeed.
struct SCIMTestFailure: Error, CustomStringConvertible {
    var answer: SCIMTestClient.Answer
    var description: String { "\(answer.status): \(answer.body?.json ?? "")" }
}
