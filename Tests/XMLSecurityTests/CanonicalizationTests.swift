import Testing
import XMLSecurity

@Suite struct CanonicalizationTests {
    @Test func exclusiveC14NDropsUnusedNamespacesAndSortsAttributes() throws {
        let xml = #"<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x z="1" y="2"  xmlns:c="urn:c"><b:y/></a:x></r>"#
        let document = try XMLDocument(parsing: xml)
        let element = try #require(document.root.children.first)
        let c14n = String(decoding: try element.exclusiveCanonicalForm(), as: UTF8.self)
        #expect(c14n == #"<a:x xmlns:a="urn:a" y="2" z="1"><b:y xmlns:b="urn:b"></b:y></a:x>"#)
    }

    @Test func inclusivePrefixListKeepsNamedNamespaces() throws {
        let xml = #"<r xmlns:a="urn:a" xmlns:k="urn:k"><a:x>v</a:x></r>"#
        let element = try #require(try XMLDocument(parsing: xml).root.children.first)
        let plain = String(decoding: try element.exclusiveCanonicalForm(), as: UTF8.self)
        let kept = String(decoding: try element.exclusiveCanonicalForm(inclusiveNamespaces: ["k"]), as: UTF8.self)
        #expect(plain == #"<a:x xmlns:a="urn:a">v</a:x>"#)
        #expect(kept == #"<a:x xmlns:a="urn:a" xmlns:k="urn:k">v</a:x>"#)
    }

    @Test func commentsAreDroppedUnlessAsked() throws {
        let element = try XMLDocument(parsing: "<a>x<!--c-->y</a>").root
        #expect(String(decoding: try element.exclusiveCanonicalForm(), as: UTF8.self) == "<a>xy</a>")
        #expect(String(decoding: try element.exclusiveCanonicalForm(withComments: true), as: UTF8.self) == "<a>x<!--c-->y</a>")
    }
}
