import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SCIM

/// One authenticated SCIM request on its way through a handler.
struct SCIMCall: Sendable {
    /// The request.
    var request: Request
    /// Its context (logger, path parameters).
    var context: GatehouseRequestContext
    /// The token's label and tenant.
    var caller: SCIMCaller
    /// The configuration snapshot the request runs with.
    var live: GatewayRuntime

    /// The base URL resources are located under, from the configured external URL.
    var baseURL: String {
        var base = live.config.externalURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + Gateway.scimPrefix
    }

    /// The query parameters, names as sent, values decoded (`+` is a space, as forms write it).
    var query: [(name: String, value: String)] {
        guard let query = request.uri.query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Whether the request carries `If-Match`.
    var hasIfMatch: Bool { request.headers[.ifMatch] != nil }
}

extension Gateway {
    /// Where the SCIM service is served. It is one of the gateway's own paths whether SCIM is
    /// on or not: with SCIM off it answers 404 rather than passing an IdP's provisioning
    /// calls (bearer tokens, personal data) on to the application.
    static let scimPrefix = "/scim/v2"

    /// The SCIM 2.0 service provider (RFC 7644), mounted at ``scimPrefix`` when `scim.enabled`:
    /// `Users` and `Groups` (list, search, read, create, replace, patch, delete), `.search` at
    /// the root, and the discovery documents. Every request needs a configured bearer token;
    /// every failure is a SCIM error document.
    public func scimRoutes() -> RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        for type in [SCIMResourceType.user, .group] {
            let name = String(type.endpoint.dropFirst())
            let item = RouterPath(name + "/:id")
            routes.get(RouterPath(name)) { request, context in
                await scim(request, context, endpoint: name) { call in try await scimList(type, call) }
            }
            routes.post(RouterPath(name + "/.search")) { request, context in
                await scim(request, context, endpoint: name + "/.search") { call in try await scimSearch([type], call) }
            }
            routes.post(RouterPath(name)) { request, context in
                await scim(request, context, endpoint: name) { call in try await scimCreate(type, call) }
            }
            routes.get(item) { request, context in
                await scim(request, context, endpoint: name + "/{id}") { call in try await scimRead(type, call) }
            }
            routes.put(item) { request, context in
                await scim(request, context, endpoint: name + "/{id}") { call in try await scimReplace(type, call) }
            }
            routes.patch(item) { request, context in
                await scim(request, context, endpoint: name + "/{id}") { call in try await scimPatch(type, call) }
            }
            routes.delete(item) { request, context in
                await scim(request, context, endpoint: name + "/{id}") { call in try await scimDelete(type, call) }
            }
        }
        routes.post(".search") { request, context in
            await scim(request, context, endpoint: ".search") { call in try await scimSearch([.user, .group], call) }
        }
        routes.get("ServiceProviderConfig") { request, context in
            await scim(request, context, endpoint: "ServiceProviderConfig") { call in
                Self.scimResponse(.ok, Self.scimServiceProviderConfig.document(baseURL: call.baseURL))
            }
        }
        routes.get("ResourceTypes") { request, context in
            await scim(request, context, endpoint: "ResourceTypes") { call in
                Self.scimResponse(.ok, SCIMDiscovery(baseURL: call.baseURL).resourceTypesList.document)
            }
        }
        routes.get("ResourceTypes/:id") { request, context in
            await scim(request, context, endpoint: "ResourceTypes/{id}") { call in
                let name = call.context.parameters.get("id") ?? ""
                guard let document = SCIMDiscovery(baseURL: call.baseURL).resourceType(named: name) else {
                    throw SCIMError(.notFound, "no resource type \(name.prefix(100))")
                }
                return Self.scimResponse(.ok, document)
            }
        }
        routes.get("Schemas") { request, context in
            await scim(request, context, endpoint: "Schemas") { call in
                Self.scimResponse(.ok, SCIMDiscovery(baseURL: call.baseURL).schemasList.document)
            }
        }
        routes.get("Schemas/:id") { request, context in
            await scim(request, context, endpoint: "Schemas/{id}") { call in
                let id = call.context.parameters.get("id") ?? ""
                guard let document = SCIMDiscovery(baseURL: call.baseURL).schema(id: id) else {
                    throw SCIMError(.notFound, "no schema \(id.prefix(200))")
                }
                return Self.scimResponse(.ok, document)
            }
        }
        // A known endpoint asked with a method it does not serve: 405 naming the ones it does.
        let served: [(path: String, methods: [HTTPRequest.Method])] = [
            ("Users", [.get, .post]), ("Groups", [.get, .post]), ("Users/:id", [.get, .put, .patch, .delete]),
            ("Groups/:id", [.get, .put, .patch, .delete]), ("Users/.search", [.post]), ("Groups/.search", [.post]),
            (".search", [.post]), ("ServiceProviderConfig", [.get]), ("ResourceTypes", [.get]), ("ResourceTypes/:id", [.get]),
            ("Schemas", [.get]), ("Schemas/:id", [.get]),
        ]
        for (path, methods) in served {
            let allowed = methods.map(\.rawValue).joined(separator: ", ")
            let endpoint = path.replacingOccurrences(of: ":id", with: "{id}")
            for method in Self.scimMethods where !methods.contains(method) {
                routes.on(RouterPath(path), method: method) { request, context in
                    await scim(request, context, endpoint: endpoint) { _ in
                        throw SCIMFailure(
                            status: 405, detail: "\(request.method.rawValue) is not served here; use \(allowed)", headers: [.allow: allowed]
                        )
                    }
                }
            }
        }
        for method in Self.scimMethods {
            routes.on("**", method: method) { request, context in
                await scim(request, context, endpoint: "unknown") { _ in
                    throw SCIMError(.notFound, "nothing is served at \(request.uri.path.prefix(200))")
                }
            }
        }
        return routes
    }

    /// The methods SCIM endpoints answer.
    static let scimMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    /// What this service provider supports, as `/ServiceProviderConfig` says.
    static let scimServiceProviderConfig = SCIMServiceProviderConfig()

    /// Runs one SCIM handler: refuses the request unless SCIM is on and the bearer token is
    /// one of the configured ones, renders every failure as a SCIM error document, and counts
    /// the answer by endpoint and status.
    func scim(
        _ request: Request, _ context: GatehouseRequestContext, endpoint: String,
        _ handler: (SCIMCall) async throws -> Response
    ) async -> Response {
        let live = live(context)
        let response: Response
        var ifMatch = false
        do {
            guard live.config.scim.enabled else { throw SCIMError(.notFound, "SCIM provisioning is not enabled on this gateway") }
            let caller = try Self.scimCaller(request.headers, config: live.config)
            let call = SCIMCall(request: request, context: context, caller: caller, live: live)
            ifMatch = call.hasIfMatch
            response = try await handler(call)
        } catch let failure as SCIMFailure {
            response = failure.response
        } catch let error as SCIMError {
            response = SCIMFailure(error).response
        } catch let error as ProvisioningStoreError {
            if case .storage(let detail) = error {
                context.logger.error("provisioning store failed", metadata: ["error": "\(detail)"])
            }
            response = SCIMFailure(error, ifMatch: ifMatch).response
        } catch {
            context.logger.error("SCIM request failed", metadata: ["error": "\(error)"])
            response = SCIMFailure(status: 500, detail: "the request failed inside the gateway; try again later").response
        }
        metrics.scimRequest(endpoint: endpoint, status: response.status.code)
        return response
    }

    /// The request's JSON body, read up to `scim.max_body_bytes` and never further.
    ///
    /// - Throws: 415 for a media type other than SCIM's or JSON, `payloadTooLarge` (413) past
    ///   the limit, `invalidSyntax` for a body that is not JSON.
    func scimBody(_ call: SCIMCall) async throws -> SCIMValue {
        if let type = call.request.headers[.contentType] {
            let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard media == Self.scimMediaType || media == "application/json" else {
                throw SCIMFailure(status: 415, detail: "send the body as \(Self.scimMediaType)")
            }
        }
        let limit = max(0, call.live.config.scim.maxBodyBytes)
        let tooLarge = SCIMError(.payloadTooLarge, "the body is larger than the \(limit) bytes this gateway accepts")
        if let length = call.request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await call.request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        var limits = SCIMJSONLimits()
        limits.maxBytes = limit
        return try SCIMValue.parse(json: buffer.readableBytesView, limits: limits)
    }
}
