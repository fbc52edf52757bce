/// Index-based paging (RFC 7644 §3.4.2.4), normalised: `startIndex` below 1 is 1, a negative
/// `count` is 0, and `count` never exceeds the server's `maxResults`.
public struct SCIMPaging: Sendable, Equatable {
    /// The 1-based index of the first result.
    public var startIndex: Int
    /// The most results to return; 0 asks only for `totalResults`.
    public var count: Int

    /// Paging from the client's values, each possibly absent.
    public init(startIndex: Int?, count: Int?, maxResults: Int) {
        self.startIndex = max(1, startIndex ?? 1)
        self.count = min(max(0, count ?? maxResults), max(0, maxResults))
    }

    /// The 0-based offset of the first result, for a database query.
    public var offset: Int { startIndex - 1 }

    /// The elements of `all` on this page.
    public func slice<Element>(_ all: [Element]) -> ArraySlice<Element> {
        guard offset < all.count, count > 0 else { return [] }
        return all[offset..<min(all.count, offset + count)]
    }
}
