import Foundation
import SCIM
import Testing

@Suite struct SCIMValueTests {
    @Test func roundTripsKeepingOrderTypesAndEscapes() throws {
        let text = #"{"b":1,"a":[true,false,null,1.5,-7,"x\"y\\z\n\u0001é😀"],"c":{"d":{}},"e":[]}"#
        let value = try SCIMValue.parse(json: text)
        #expect(value.objectValue?.names == ["b", "a", "c", "e"])
        #expect(value.objectValue?["B"] == 1)
        #expect(value.objectValue?["a"]?.arrayValue?[3] == .decimal(1.5))
        #expect(value.objectValue?["a"]?.arrayValue?[5] == .string("x\"y\\z\n\u{1}é😀"))
        #expect(value.json == #"{"b":1,"a":[true,false,null,1.5,-7,"x\"y\\z\n\u0001é😀"],"c":{"d":{}},"e":[]}"#)
        #expect(try SCIMValue.parse(json: value.json) == value)
        #expect(try SCIMValue.parse(json: #""\ud83d\ude00""#) == "😀")
    }

    @Test func integersStayExact() throws {
        #expect(try SCIMValue.parse(json: "9007199254740993") == .integer(9_007_199_254_740_993))
        #expect(try SCIMValue.parse(json: "1e2") == .decimal(100))
        #expect(SCIMValue.decimal(100).json == "100.0")
        #expect(try SCIMValue.parse(json: SCIMValue.decimal(-0.0).json) == .decimal(0))
    }

    @Test func objectsCompareNamesCaseInsensitivelyAndIgnoreOrder() {
        let lhs: SCIMValue = ["userName": "a", "Active": true]
        let rhs: SCIMValue = ["active": true, "USERNAME": "a"]
        #expect(lhs == rhs)
        #expect(Set([lhs, rhs]).count == 1)
        var object = SCIMObject()
        object["userName"] = "a"
        object["USERNAME"] = "b"
        #expect(object.names == ["userName"])
        #expect(object["username"] == "b")
    }

    static let malformed: [String] = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{1}b\"", "[1] [2]", "NaN", "1e999",
        "{\"userName\":\"a\",\"USERNAME\":\"b\"}",
    ]

    @Test(arguments: malformed)
    func malformedJSONIsInvalidSyntax(_ text: String) {
        let error = #expect(throws: SCIMError.self) { try SCIMValue.parse(json: text) }
        #expect(error?.code == .invalidSyntax)
    }

    @Test func invalidUTF8IsInvalidSyntax() {
        let error = #expect(throws: SCIMError.self) { try SCIMValue.parse(json: [0x22, 0xFF, 0xFE, 0x22]) }
        #expect(error?.code == .invalidSyntax)
    }

    @Test func depthAndSizeAreBounded() {
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        let tooDeep = #expect(throws: SCIMError.self) { try SCIMValue.parse(json: deep) }
        #expect(tooDeep?.code == .invalidSyntax)
        let hostile = String(repeating: "{\"a\":", count: 200_000)
        #expect(throws: SCIMError.self) { try SCIMValue.parse(json: hostile) }
        #expect(throws: Never.self) {
            try SCIMValue.parse(json: String(repeating: "[", count: 32) + String(repeating: "]", count: 32))
        }
        var limits = SCIMJSONLimits()
        limits.maxBytes = 10
        let tooLarge = #expect(throws: SCIMError.self) { try SCIMValue.parse(json: "\"0123456789\"", limits: limits) }
        #expect(tooLarge?.code == .payloadTooLarge)
        #expect(tooLarge?.code.status == 413)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix(seed: 11)
        let alphabet = Array("{}[]\":,0123456789-+.eE truefalsn\\u/abc".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        for _ in 0..<5000 {
            let count = Int(generator.next() % 24)
            let bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            do {
                let value = try SCIMValue.parse(json: bytes)
                #expect(try SCIMValue.parse(json: value.json) == value)
            } catch {
                #expect(error.code == .invalidSyntax)
            }
        }
    }

    @Test func dateTimesParseAsInstants() {
        #expect(SCIMDateTime.parse("2011-05-13T04:42:34Z") == SCIMDateTime.parse("2011-05-13T06:42:34+02:00"))
        #expect(SCIMDateTime.parse("2011-05-13T04:42:34.500Z")!.timeIntervalSince1970 == 1_305_261_754.5)
        for bad in ["2011-05-13", "2011-02-30T00:00:00Z", "2011-05-13T04:42:34", "2011-05-13T25:00:00Z", "x", "2011-05-13T04:42:34+2:00"] {
            #expect(SCIMDateTime.parse(bad) == nil, "\(bad)")
        }
        #expect(SCIMDateTime.format(SCIMDateTime.parse("2011-05-13T06:42:34+02:00")!) == "2011-05-13T04:42:34Z")
        #expect(SCIMDateTime.format(SCIMDateTime.parse("1969-12-31T23:59:59.250Z")!) == "1969-12-31T23:59:59.250Z")
    }
}
