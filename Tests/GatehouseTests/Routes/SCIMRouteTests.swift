import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SCIM
import Testing

/// The SCIM endpoints' protocol rules: authentication and tenants, versions, uniqueness,
/// limits, errors, paging, and where `/scim/v2` stands at the door.
@Suite struct SCIMRouteTests {
    static let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com"}"#

    static func withSCIM(
        configure: @Sendable @escaping (inout GatehouseConfig) -> Void = { _ in },
        _ body: @Sendable @escaping (SCIMTestClient) async throws -> Void
    ) async throws {
        try await GatewayHarness.run(configure: { config in
            SCIMTestClient.configure(&config)
            configure(&config)
        }) { harness in
            try await body(SCIMTestClient(harness: harness))
        }
    }

    @Test func requestsWithoutAValidBearerTokenAreRefused() async throws {
        try await Self.withSCIM { scim in
            var anonymous = scim
            anonymous.token = nil
            for answer in [
                try await anonymous.send(.get, "/Users"),
                try await anonymous.send(.post, "/Users", Self.user),
                try await anonymous.send(.get, "/ServiceProviderConfig"),
                try await anonymous.send(.get, "/Users", headers: [.authorization: "Bearer wrong-token"]),
                try await anonymous.send(.get, "/Users", headers: [.authorization: "Bearer \(SCIMTestClient.globalToken)x"]),
                try await anonymous.send(.get, "/Users", headers: [.authorization: "Basic \(SCIMTestClient.globalToken)"]),
                try await anonymous.send(.get, "/Users", headers: [.authorization: "Bearer "]),
            ] {
                #expect(answer.status == .unauthorized)
                #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(answer.isErrorDocument)
            }
            // Nothing was written by the refused POST.
            #expect(try await scim.send(.get, "/Users")["totalResults"] == .integer(0))
            #expect(try await scim.send(.get, "/Users", headers: [.authorization: "bearer \(SCIMTestClient.globalToken)"]).status == .ok)
        }
    }

    @Test func aTokenBoundToAnIdPSeesAndWritesOnlyThatIdPsUsers() async throws {
        try await Self.withSCIM { scim in
            var a = scim
            a.token = SCIMTestClient.idpAToken
            var b = scim
            b.token = SCIMTestClient.idpBToken
            let global = try await scim.createUser("alice@example.com")
            let ofA = try await a.createUser("alice@example.com")
            // The same name in another tenant is another user.
            #expect(global != ofA)
            #expect(try await a.send(.get, "/Users").ids == [ofA])
            #expect(try await b.send(.get, "/Users").ids.isEmpty)
            #expect(try await scim.send(.get, "/Users").ids == [global])
            #expect(try await a.send(.get, "/Users/\(global)").status == .notFound)
            #expect(try await scim.send(.get, "/Users/\(ofA)").status == .notFound)
            #expect(try await b.send(.get, "/Users/\(ofA)").status == .notFound)
            #expect(try await b.send(.put, "/Users/\(ofA)", Self.user).status == .notFound)
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            #expect(try await b.send(.patch, "/Users/\(ofA)", patch).status == .notFound)
            #expect(try await b.send(.delete, "/Users/\(ofA)").status == .notFound)
            #expect(try await a.send(.get, "/Users/\(ofA)")["active"] == .bool(true))
            // A group of B cannot list A's user as a member.
            let group = try await b.send(
                .post, "/Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"\#(ofA)"}]}"#)
            #expect(group.status == .badRequest)
            #expect(group.scimType == "invalidValue")
            let search = try await b.send(.post, "/.search", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"#)
            #expect(search["totalResults"] == .integer(0))
        }
    }

    @Test func versionsGuardWritesAndSpareReads() async throws {
        try await Self.withSCIM { scim in
            let id = try await scim.createUser("alice@example.com")
            let read = try await scim.send(.get, "/Users/\(id)")
            let version = try #require(read.headers[.eTag])
            #expect(version == read["meta"]?.objectValue?["version"]?.stringValue)
            let unchanged = try await scim.send(.get, "/Users/\(id)", headers: [.ifNoneMatch: version])
            #expect(unchanged.status == .notModified)
            #expect(unchanged.headers[.eTag] == version)
            #expect(try await scim.send(.get, "/Users/\(id)", headers: [.ifNoneMatch: #"W/"999""#]).status == .ok)

            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Alice"}]}"#
            let first = try await scim.send(.patch, "/Users/\(id)", patch, headers: [.ifMatch: version])
            #expect(first.status == .ok)
            #expect(first.headers[.eTag] != version)
            let stale = try await scim.send(.put, "/Users/\(id)", Self.user, headers: [.ifMatch: version])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.isErrorDocument)
            #expect(try await scim.send(.delete, "/Users/\(id)", headers: [.ifMatch: version]).status == .preconditionFailed)
            #expect(try await scim.send(.get, "/Users/\(id)")["displayName"] == .string("Alice"))
        }
    }

    @Test func duplicateNamesAreAConflict() async throws {
        try await Self.withSCIM { scim in
            _ = try await scim.createUser("alice@example.com")
            let again = try await scim.send(
                .post, "/Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE@example.com"}"#)
            #expect(again.status == .conflict)
            #expect(again.scimType == "uniqueness")
            #expect(again.isErrorDocument)
            let bob = try await scim.createUser("bob@example.com")
            let rename = try await scim.send(
                .put, "/Users/\(bob)", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Alice@Example.com"}"#)
            #expect(rename.status == .conflict)
            #expect(rename.scimType == "uniqueness")
            let group = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}"#
            #expect(try await scim.send(.post, "/Groups", group).status == .created)
            #expect(try await scim.send(.post, "/Groups", group).scimType == "uniqueness")
        }
    }

    @Test func oversizedAndMalformedBodiesAreRefusedWithSCIMErrors() async throws {
        try await Self.withSCIM(configure: { $0.scim.maxBodyBytes = 2048 }) { scim in
            let padding = String(repeating: "x", count: 4096)
            let large = try await scim.send(
                .post, "/Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","displayName":"\#(padding)"}"#)
            #expect(large.status == .contentTooLarge)
            #expect(large.isErrorDocument)
            let broken = try await scim.send(.post, "/Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"#)
            #expect(broken.status == .badRequest)
            #expect(broken.scimType == "invalidSyntax")
            let xml = try await scim.send(.post, "/Users", Self.user, headers: [.contentType: "application/xml"])
            #expect(xml.status.code == 415)
            #expect(xml.isErrorDocument)
            #expect(
                try await scim.send(.post, "/Users", Self.user, headers: [.contentType: "application/json; charset=utf-8"]).status
                    == .created)
            let missing = try await scim.send(.get, "/Users/no-such-id")
            #expect(missing.status == .notFound)
            #expect(missing.isErrorDocument)
            let unknownPath = try await scim.send(.get, "/Bogus")
            #expect(unknownPath.status == .notFound)
            #expect(unknownPath.isErrorDocument)
        }
    }

    @Test func filtersNamingUnknownAttributesAreInvalid() async throws {
        try await Self.withSCIM { scim in
            _ = try await scim.createUser("alice@example.com")
            for filter in [#"nickNameX eq "a""#, #"userName eq "a" and bogus pr"#, #"emails[bogus eq "x"]"#, #"userName eq"#] {
                let answer = try await scim.send(.get, "/Users?filter=" + SCIMTestClient.query(filter))
                #expect(answer.status == .badRequest, "\(filter)")
                #expect(answer.scimType == "invalidFilter", "\(filter)")
            }
            #expect(try await scim.send(.get, "/Users?filter=" + SCIMTestClient.query(#"nickName eq "a""#)).status == .ok)
        }
    }

    @Test func pagesStayStableWhileUsersAreAdded() async throws {
        try await Self.withSCIM { scim in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await scim.createUser("user\(index)@example.com")) }
            let first = try await scim.send(.get, "/Users?startIndex=1&count=2")
            #expect(first.ids == Array(ids[0..<2]))
            #expect(first["totalResults"] == .integer(5))
            _ = try await scim.createUser("aaa-first-by-name@example.com")
            let second = try await scim.send(.get, "/Users?startIndex=3&count=2")
            #expect(second.ids == Array(ids[2..<4]))
            let third = try await scim.send(.get, "/Users?startIndex=5&count=2")
            #expect(third.ids.first == ids[4])
            #expect(third["totalResults"] == .integer(6))
            let search = try await scim.send(
                .post, "/Users/.search",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":2,"count":2,"attributes":["userName"]}"#)
            #expect(search.ids == Array(ids[1..<3]))
            #expect(search["Resources"]?.arrayValue?.first?.objectValue?["active"] == nil)
        }
    }

    @Test func discoveryDocumentsAreServed() async throws {
        try await Self.withSCIM { scim in
            let config = try await scim.send(.get, "/ServiceProviderConfig")
            #expect(config.status == .ok)
            #expect(config["etag"]?.objectValue?["supported"] == .bool(true))
            #expect(try await scim.send(.get, "/ResourceTypes")["totalResults"] == .integer(2))
            #expect(try await scim.send(.get, "/ResourceTypes/User")["endpoint"] == .string("/Users"))
            #expect(try await scim.send(.get, "/Schemas")["totalResults"] == .integer(3))
            #expect(try await scim.send(.get, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")["name"] == .string("Group"))
            #expect(try await scim.send(.get, "/Schemas/urn:nothing").status == .notFound)
            for (method, path) in [
                (HTTPRequest.Method.post, "/ServiceProviderConfig"), (.delete, "/Schemas"), (.put, "/Users"), (.post, "/Users/abc"),
            ] {
                let refused = try await scim.send(method, path, "{}")
                #expect(refused.status == .methodNotAllowed, "\(method) \(path)")
                #expect(refused.isErrorDocument)
                #expect(refused.headers[.allow] != nil)
            }
        }
    }

    @Test func scimIsTheGatewaysOwnPathAndNeverReachesTheUpstream() async throws {
        // Off: 404 from the gateway itself, with or without a token, never the upstream's answer.
        try await GatewayHarness.run { harness in
            let scim = SCIMTestClient(harness: harness)
            for path in ["/Users", "/ServiceProviderConfig", ""] {
                let answer = try await scim.send(.get, path)
                #expect(answer.status == .notFound, "\(path)")
                #expect(answer.body?.objectValue?["uri"] == nil)
            }
        }
        // On: no browser session needed, and no redirect to a login.
        try await Self.withSCIM { scim in
            let answer = try await scim.send(.get, "/Users", headers: GatewayHarness.html)
            #expect(answer.status == .ok)
        }
    }

    @Test func requestsAreCountedByEndpointAndStatus() async throws {
        try await Self.withSCIM { scim in
            let id = try await scim.createUser("alice@example.com")
            _ = try await scim.send(.get, "/Users/\(id)")
            var anonymous = scim
            anonymous.token = nil
            _ = try await anonymous.send(.get, "/Users")
            let page = try await scim.harness.client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: page.body)
            #expect(text.contains(#"gatehouse_scim_requests_total{endpoint="Users",status="201"} 1"#))
            #expect(text.contains(#"gatehouse_scim_requests_total{endpoint="Users/{id}",status="200"} 1"#))
            #expect(text.contains(#"gatehouse_scim_requests_total{endpoint="Users",status="401"} 1"#))
            #expect(text.contains("gatehouse_scim_users 1"))
            #expect(text.contains("gatehouse_scim_active_users 1"))
        }
    }
}
