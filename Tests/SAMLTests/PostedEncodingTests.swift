import Foundation
import SAML
import Testing
import XMLSecurity

/// The SAMLResponse form field as browsers post it: base64 with or without line breaks.
@Suite struct PostedEncodingTests {
    static let samlp = "urn:oasis:names:tc:SAML:2.0:protocol"

    @Test func lineBreaksAndSpacesAnywhereReadTheSameResponse() throws {
        let plain = try Fixture.posted("valid.xml")
        var wrapped = ""
        for (index, character) in plain.enumerated() {
            if index > 0, index % 64 == 0 { wrapped += index % 128 == 0 ? "\r\n" : "\n\t " }
            wrapped.append(character)
        }
        let expected = try SAMLResponse(posted: plain).root.serialized()
        #expect(try SAMLResponse(posted: wrapped).root.serialized() == expected)
        #expect(try SAMLResponse(posted: "\n  " + wrapped + " \r\n").root.serialized() == expected)
    }

    /// Every tail shape: no padding, one `=`, two `=`.
    @Test(arguments: 0..<6)
    func everyPaddingLengthDecodes(_ extra: Int) throws {
        let xml = "<samlp:Response xmlns:samlp=\"\(Self.samlp)\" ID=\"_r\">\(String(repeating: "x", count: extra))</samlp:Response>"
        let posted = Data(xml.utf8).base64EncodedString()
        let response = try SAMLResponse(posted: posted)
        #expect(response.root.attribute("ID") == "_r")
        #expect(response.root.textContent == String(repeating: "x", count: extra))
    }

    @Test func damagedBase64IsRefusedAsMalformed() throws {
        let plain = try Fixture.posted("valid.xml")
        let damaged = [
            String(plain.prefix(100)) + "*" + String(plain.dropFirst(100)),  // a character outside the alphabet
            String(plain.prefix(100)) + "=" + String(plain.dropFirst(100)),  // padding before the end
            plain + "A",  // a group cut short
            plain + "AB",  // a group without its padding
            String(plain.prefix(100)) + "-_" + String(plain.dropFirst(102)),  // base64url is not the POST binding's
        ]
        for text in damaged {
            let error = #expect(throws: SAMLValidationError.self) { try SAMLResponse(posted: text) }
            #expect(error?.code == .malformed)
        }
    }
}

@Suite struct FormFieldsTests {
    @Test func decodesPlusPercentAndKeepsTheFirstOccurrence() {
        let form = HTTPPostBinding.formFields("SAMLResponse=a%2Bb+c%3D%3D&RelayState=%C3%A9t%C3%A9&RelayState=second&empty=&bare&&x=%zz")
        #expect(form["SAMLResponse"] == "a+b c==")
        #expect(form["RelayState"] == "été")
        #expect(form["empty"] == "")
        #expect(form["bare"] == "")
        #expect(form["x"] == "")  // a broken escape reads as empty
        #expect(form.count == 5)
    }

    @Test func postedResponseSurvivesFormEncoding() throws {
        let posted = try Fixture.posted("valid.xml")
        let encoded = posted.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "=", with: "%3D")
        let form = HTTPPostBinding.formFields("RelayState=abc&SAMLResponse=" + encoded)
        #expect(form["SAMLResponse"] == posted)
        #expect(form["RelayState"] == "abc")
    }
}
