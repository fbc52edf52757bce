/// The content of one message page: what happened, what to do, and a reference ID.
public struct MessagePage: Sendable, Equatable {
    /// A button: a link, or a form that posts to a same-origin URL.
    public struct Action: Sendable, Equatable {
        /// How the button reaches its target.
        public enum Method: Sendable, Equatable {
            /// A plain link.
            case get
            /// A form post, for an action that changes state and so must not be a link.
            case post
        }

        /// Button text.
        public var label: String
        /// Same-origin target.
        public var url: String
        /// Link or form post.
        public var method: Method

        /// A button.
        public init(label: String, url: String, method: Method = .get) {
            self.label = label
            self.url = url
            self.method = method
        }
    }

    /// The `<title>`.
    public var title: String
    /// The page heading.
    public var heading: String
    /// What happened, in one sentence.
    public var message: String
    /// What to do next.
    public var advice: String?
    /// A button, e.g. "Sign in again".
    public var action: Action?
    /// The code of the check that failed, also logged. Never text taken from the request.
    public var check: String?
    /// The request ID, also logged, that support can search for.
    public var reference: String?

    /// A page.
    public init(
        title: String, heading: String, message: String, advice: String? = nil, action: Action? = nil, check: String? = nil,
        reference: String? = nil
    ) {
        self.title = title
        self.heading = heading
        self.message = message
        self.advice = advice
        self.action = action
        self.check = check
        self.reference = reference
    }
}
