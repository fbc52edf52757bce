import Foundation
import Hummingbird
import NIOCore
import SAML

/// The demo's stand-in application: a page that shows the identity headers it received.
enum DemoUpstream {
    static func application(port: Int) -> some ApplicationProtocol {
        let router = Router()
        router.get("**") { request, _ in page(request) }
        router.get("/") { request, _ in page(request) }
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "gatehouse-demo-app"))
    }

    static func page(_ request: Request) -> Response {
        let identity = request.headers.filter { $0.name.rawName.lowercased().hasPrefix("x-forwarded-") }
            .map { "<tr><th>\($0.name.rawName.xmlEscaped)</th><td>\($0.value.xmlEscaped)</td></tr>" }
            .joined(separator: "\n")
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Demo app behind Gatehouse</title>
            <style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2430}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #dde3ea;vertical-align:top}
            th{white-space:nowrap;color:#5a6575;font-weight:600}code{background:#f2f4f7;padding:.1rem .3rem;border-radius:.2rem}</style></head>
            <body><h1>Hello from the app behind Gatehouse</h1>
            <p>This page is the demo application. It has no login of its own: Gatehouse signed you in and
            sent these identity headers with your request to <code>\(request.uri.path.xmlEscaped)</code>.</p>
            <table>\(identity)</table>
            <p><a href="/admin">/admin</a> needs the group <code>admins</code> ·
            <a href="/saml/whoami">/saml/whoami</a> · <a href="/saml/logout">sign out</a></p>
            </body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
