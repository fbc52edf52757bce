import SCIM
import Testing

@Suite struct SCIMValueTests {
    @Test func placeholder() {}
}
