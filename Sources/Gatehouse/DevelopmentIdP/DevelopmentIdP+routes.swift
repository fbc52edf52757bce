import Foundation
public import Hummingbird
import NIOCore
import SAML

extension DevelopmentIdP {
    /// The development IdP's pages: metadata, the sign-in page and its form handler, to be
    /// added under ``pathPrefix``. Responses are issued at `clock`'s time.
    public func routes(clock: any WallClock = SystemWallClock()) -> RouteCollection<GatehouseRequestContext> {
        let group = RouteCollection(context: GatehouseRequestContext.self)
        group.get("metadata") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metadataXML)))
        }
        group.get("sso") { request, _ in
            let query = request.uri.query ?? ""
            let authn = try authnRequest(query: query)
            return Self.html(DevelopmentIdPPage.chooser(request: authn, query: query))
        }
        group.post("sso") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let form = HTTPPostBinding.formFields(String(buffer: body))
            let authn = try authnRequest(query: form["request"] ?? "")
            guard let user = Self.user(from: form) else { throw DevelopmentIdPError(.noUser) }
            let response = try self.response(to: authn, user: user, now: clock.now)
            let html = HTTPPostBinding.form(
                action: authn.assertionConsumerServiceURL, parameter: .response, value: response, relayState: authn.relayState)
            return Self.html(html)
        }
        return group
    }

    /// The user the form asked for: a sample by name, or one typed in.
    static func user(from form: [String: String]) -> DevelopmentUser? {
        if let name = form["sample"], let sample = DevelopmentUser.samples.first(where: { $0.username == name }) { return sample }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !username.isEmpty else { return nil }
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let groups = (form["groups"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return DevelopmentUser(
            username: username, email: email.isEmpty ? "\(username)@example.com" : email, displayName: username, groups: groups)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
